import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { firstHeader } from '../../shared/webhook/headers';
import { readWebhookBody } from '../../shared/webhook/webhookBody';
import { WEBHOOK_PATH, type VoiceTriggerData } from './applicationWebhooks';
import { handOverLiveEvent } from './handOver';
import { answersTurns, onOutput } from './outputs';
import { liveItem } from './voiceEvents';
import { defaultNcco } from './defaultNcco';
import { wantedVoiceEvent } from './eventFilter';
import { answerAtOnce, answerWithNcco, withTurnUrls } from './nccoResponse';
import { leftToCatchUp } from './catchUpSettings';
import { firstAcceptance } from './replayRefusal';
import { verifySignedCallback } from './signedCallback';
import { answerDeadlineMs, TURN_PATH, turnKind, withStep } from './turns';
import { answerWorkflowProbe, isWorkflowProbe } from './workflowProbe';

/**
 * Workflows whose test run ("Execute step") just answered a call, until when. n8n keeps the test
 * webhooks until that run has started, so the call's first status events would start runs too,
 * and the editor would show one of them instead of the answer: they are answered without a run.
 */
const testAnswers = new Map<string, number>();
const TEST_ANSWER_MS = 30_000;

type Refuse = (status: number, reason: string) => IWebhookResponseData;

/**
 * One Vonage Voice callback: checked (body, signature, replay) before anything runs, then routed:
 * a call to answer to Incoming Call, a caller's turn (version 4) to Caller Turn, and every other
 * event, when the options want it, to Call Event.
 */
export async function receiveCallback(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = context.getRequestObject();
	const path = String(request.path ?? request.url ?? '').split('?')[0];
	const answerCalls = context.getNodeParameter('answerCalls', false) as boolean;
	const turns = answersTurns(context, answerCalls);
	const eventUrl = String(context.getNodeWebhookUrl('default'));
	const turnUrl = `${eventUrl.slice(0, eventUrl.lastIndexOf('/') + 1)}${TURN_PATH}`;
	// The fallback starts nothing and gives only the Default NCCO, so that a caller whose
	// answer failed never hears silence; Vonage may not sign it after a failed answer.
	if (path.endsWith(`/${WEBHOOK_PATH.fallback_answer_url}`)) {
		const ncco = defaultNcco(context);
		return { webhookResponse: turns ? withTurnUrls(ncco, turnUrl) : ncco };
	}
	const isAnswer = path.endsWith(`/${WEBHOOK_PATH.answer_url}`);
	const atTurnUrl = path.endsWith(`/${TURN_PATH}`);
	let what = isAnswer ? 'call to answer' : 'call event';
	const refuse: Refuse = (status, reason) => {
		context.logger.warn(`Vonage Voice Trigger refused a ${what} (${status}): ${reason}`);
		context.getResponseObject().status(status).json({ error: reason });
		return { noWebhookResponse: true };
	};

	const call = await readCall(context, refuse);
	if (!('json' in call)) return call;
	const query = (context.getQueryData() ?? {}) as IDataObject;
	const turn = turns && atTurnUrl ? turnKind(call.json, query) : undefined;
	if (turn) what = `caller's turn (${turn})`;
	const data = context.getWorkflowStaticData('node') as VoiceTriggerData;
	const probe = isWorkflowProbe(call.json);
	const signature = await checkSignature(context, data, refuse);
	if (signature === 'repeated') {
		// A request that wants an NCCO is refused, so that Vonage asks the fallback answer URL.
		if ((isAnswer || turn) && !probe) return refuse(409, `this ${what} was already answered`);
		return { webhookResponse: { status: 'duplicate callback ignored' } };
	}
	if (typeof signature === 'object') return signature;
	// Another Voice Trigger of this n8n asking which workflow this is (workflowProbe.ts): never a
	// run. Only a question signed with this trigger's secret is answered; without a secret, it is
	// answered as an accepted event would be, saying nothing.
	if (probe)
		return {
			webhookResponse:
				signature === 'verified'
					? await answerWorkflowProbe(context, call.json, String(data.applicationId ?? ''))
					: { status: 'accepted' },
		};

	const on = (output: number, json: IDataObject) => onOutput(context, output, json);
	const testRun = context.getMode() === 'manual';
	const workflowId = String(context.getWorkflow().id);
	if ((isAnswer || turn) && turns) {
		const webhook = isAnswer ? 'answer_url' : 'event_url';
		answerWithNcco(context.getResponseObject(), {
			fallback: defaultNcco(context),
			deadlineMs: answerDeadlineMs(data.socketTimeoutMs?.[webhook], webhook),
			turnUrl,
			onFallback: (reason) =>
				context.logger.warn(
					`Vonage Voice Trigger answered a ${what} with the Default NCCO: ${reason}`,
				),
		});
	}
	if (isAnswer) {
		if (testRun) testAnswers.set(workflowId, Date.now() + TEST_ANSWER_MS);
		return { workflowData: on(1, call.json) };
	}
	if (turn) return { workflowData: on(2, withStep(call.json, query)) };
	if (testRun && (testAnswers.get(workflowId) ?? 0) > Date.now())
		return { webhookResponse: { status: 'accepted' } };
	const options = context.getNodeParameter('options', {}) as IDataObject;
	// A test run shows the first event even when the filters would drop it, instead of waiting in
	// silence; the published workflow applies them.
	if (!wantedVoiceEvent(call.json, options) && !testRun)
		return { webhookResponse: { status: 'filtered out' } };
	// With catch-up, the trigger running in this process emits it with its deduplication key.
	const handedOver = handOverLiveEvent(context, call.json);
	if (handedOver === 'duplicate') return { webhookResponse: { status: 'duplicate ignored' } };
	if (handedOver) return { webhookResponse: { status: 'accepted' } };
	if (!testRun && leftToCatchUp(options, call.json))
		return { webhookResponse: { status: 'accepted, run by the catch-up' } };
	// The turn URL waits for the last node; a call event there (a synchronous connect's leg that
	// did not fail) is answered now instead.
	if (atTurnUrl) answerAtOnce(context.getResponseObject(), { status: 'accepted' });
	return { webhookResponse: { status: 'accepted' }, workflowData: on(0, liveItem(call.json)) };
}

/** The body as a JSON object, parsed from the bytes a signature's payload_hash covers. */
async function readCall(
	context: IWebhookFunctions,
	refuse: Refuse,
): Promise<{ json: IDataObject } | IWebhookResponseData> {
	const body = await readWebhookBody(
		context.getHeaderData() as IDataObject,
		context.getRequestObject(),
	);
	if ('status' in body) return refuse(body.status, body.reason);
	let json: unknown;
	try {
		json = JSON.parse(body.text);
	} catch {
		return refuse(400, 'the body is not JSON');
	}
	if (!json || typeof json !== 'object' || Array.isArray(json))
		return refuse(400, 'the body is not a JSON object');
	return { json: json as IDataObject };
}

/**
 * 'verified' or 'unchecked' (no secret, an application that does not sign) when the callback may
 * run; 'repeated' for a signed callback already accepted; otherwise the refusal sent.
 */
async function checkSignature(
	context: IWebhookFunctions,
	data: VoiceTriggerData,
	refuse: Refuse,
): Promise<'verified' | 'unchecked' | 'repeated' | IWebhookResponseData> {
	const credentials = await context.getCredentials('vonageKeySecretApi');
	const signatureSecret = String(credentials.signatureSecret ?? '');
	// With a secret, every callback must be signed, whatever the application says: the docs
	// disagree on whether signing is on when it does not say, and an unsigned request proves nothing.
	if (!signatureSecret && !data.signedCallbacks) return 'unchecked';
	if (!signatureSecret)
		return refuse(
			401,
			'the application signs its callbacks but the credential has no Signature Secret',
		);
	const authorization = firstHeader(context.getHeaderData() as IDataObject, 'authorization');
	const verdict = await verifySignedCallback(authorization, {
		signatureSecret,
		signedPayload: context.getRequestObject().rawBody,
		apiKey: String(credentials.apiKey ?? ''),
		applicationId: data.applicationId,
	});
	if ('refused' in verdict) return refuse(401, verdict.refused);
	return firstAcceptance(context, data, verdict.claims, authorization!) ? 'verified' : 'repeated';
}

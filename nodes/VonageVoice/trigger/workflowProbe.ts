import { randomUUID } from 'node:crypto';
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { sendForSmallAnswer } from '../../shared/request/download';
import { ssrfBlock } from '../../shared/request/errors';
import { DeadlineError } from '../../shared/request/retry';
import { signCallback, verifySignedCallback } from './signedCallback';

/**
 * "Which workflow are you?": the question a Voice Trigger being published asks the Voice Trigger
 * of this n8n that its application already points at, so that the refusal can name that
 * workflow (n8n gives a node no way to look a workflow up by webhook id). The question is signed
 * as Vonage signs a callback, and is answered only by a trigger whose credential verifies it,
 * with an answer signed the same way and bound to the question's nonce: only a trigger of the
 * same Vonage account learns a workflow's name, and no other webhook can put a name in the error.
 */

/** No Vonage callback has this field; a body with it is a question, and never starts a run. */
const PROBE_FIELD = 'n8n_vonage_probe';
const PROBE_QUESTION = 'which-workflow';
export const PROBE_TIMEOUT_MS = 3000;
/** Far above a workflow's id and name; an answer is cut to it before it reaches a message. */
const MAX_NAME_LENGTH = 200;

export interface ProbeWorkflow {
	id: string;
	name: string;
}

export type ProbeResult = { workflow: ProbeWorkflow } | { unanswered: string };

export function isWorkflowProbe(json: IDataObject): boolean {
	return Object.prototype.hasOwnProperty.call(json, PROBE_FIELD);
}

/** What the answer's token covers: the workflow and the question's nonce, in this order. */
function signedAnswer(workflow: ProbeWorkflow, nonce: string): string {
	return JSON.stringify({ workflow: { id: workflow.id, name: workflow.name }, nonce });
}

function nonceOf(json: IDataObject): string {
	return typeof json.nonce === 'string' ? json.nonce.slice(0, 100) : '';
}

/**
 * The answer of a trigger whose signature check accepted the question (receive.ts): its
 * workflow's id and name, with a token signed with its own credential's secret.
 */
export async function answerWorkflowProbe(
	context: IWebhookFunctions,
	json: IDataObject,
	applicationId: string,
): Promise<IDataObject> {
	const credentials = await context.getCredentials('vonageKeySecretApi');
	const { id, name } = context.getWorkflow();
	const workflow = { id: String(id ?? ''), name: String(name ?? '') };
	const token = await signCallback(signedAnswer(workflow, nonceOf(json)), {
		signatureSecret: String(credentials.signatureSecret ?? ''),
		apiKey: String(credentials.apiKey ?? ''),
		applicationId,
		lifetimeSeconds: 60,
	});
	return { workflow, token };
}

/** Control characters out, and at most MAX_NAME_LENGTH characters: it is read in an error. */
function shown(value: unknown): string {
	const text = String(value).replace(/\p{Cc}+/gu, ' ');
	return text.length > MAX_NAME_LENGTH ? `${text.slice(0, MAX_NAME_LENGTH)}…` : text;
}

/**
 * Asks the trigger at `url` (a Voice Trigger's event URL on this n8n's own webhook base, which the
 * caller checked) which workflow it belongs to: one signed POST, no redirect followed, answered
 * within 3 s. Never throws: a question that got no usable answer says why.
 */
export async function askWhichWorkflow(
	context: IHookFunctions,
	url: string,
	applicationId: string,
): Promise<ProbeResult> {
	const credentials = await context.getCredentials('vonageKeySecretApi');
	const signatureSecret = String(credentials.signatureSecret ?? '');
	if (!signatureSecret)
		return { unanswered: 'this credential has no Signature Secret to sign the question with' };
	const apiKey = String(credentials.apiKey ?? '');
	const nonce = randomUUID();
	const body = JSON.stringify({ [PROBE_FIELD]: PROBE_QUESTION, nonce });
	const signed = { signatureSecret, apiKey, applicationId };
	let response;
	try {
		const token = await signCallback(body, { ...signed, lifetimeSeconds: 60 });
		response = await sendForSmallAnswer(context, PROBE_TIMEOUT_MS, {
			method: 'POST',
			url,
			body,
			headers: {
				'Content-Type': 'application/json',
				Accept: 'application/json',
				Authorization: `Bearer ${token}`,
			},
		});
	} catch (error) {
		if (error instanceof DeadlineError)
			return { unanswered: `no answer within ${PROBE_TIMEOUT_MS / 1000} s` };
		if (ssrfBlock(error)) return { unanswered: "n8n's SSRF protection refused the request" };
		return { unanswered: `it could not be reached (${shown((error as Error).message)})` };
	}
	const { statusCode: status, body: answer } = response;
	if (status >= 300 && status < 400)
		return { unanswered: `it answered with a redirect (HTTP ${status}), not followed` };
	if (status !== 200) return { unanswered: `it answered HTTP ${status}` };
	const { workflow, token } = (answer && typeof answer === 'object' ? answer : {}) as IDataObject;
	const named = (workflow && typeof workflow === 'object' ? workflow : {}) as IDataObject;
	if (typeof named.id !== 'string' || typeof named.name !== 'string' || typeof token !== 'string')
		return { unanswered: 'its answer names no workflow' };
	const verdict = await verifySignedCallback(`Bearer ${token}`, {
		...signed,
		signedPayload: signedAnswer({ id: named.id, name: named.name }, nonce),
	});
	if ('refused' in verdict)
		return { unanswered: `its answer is not signed with this credential (${verdict.refused})` };
	return { workflow: { id: shown(named.id), name: shown(named.name) } };
}

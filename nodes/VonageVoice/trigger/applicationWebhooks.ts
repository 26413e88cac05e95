import type { IDataObject, IHookFunctions, ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { vonageRequest } from '../../shared/request/transport';
import { apiPath } from '../../shared/request/urlPath';
import { askWhichWorkflow } from './workflowProbe';

/** The application's voice webhooks this trigger may point at itself. */
export type VoiceWebhookName = 'event_url' | 'answer_url' | 'fallback_answer_url';

/**
 * The path of the node's n8n webhook that serves each of them. n8n names every webhook of a node
 * "default", so the path is what tells them apart; event_url's comes first in the description.
 */
export const WEBHOOK_PATH: Record<VoiceWebhookName, string> = {
	event_url: 'voice-events',
	answer_url: 'voice-answer',
	fallback_answer_url: 'voice-fallback',
};

/** Kept in the node's static data from activation to deactivation. */
export interface VoiceTriggerData {
	applicationId?: string;
	/** The addresses this trigger set, so that deactivation only undoes its own change. */
	pointedAt?: Partial<Record<VoiceWebhookName, string>>;
	/** What the application had before, per webhook replaced; null when it had none. */
	previous?: Partial<Record<VoiceWebhookName, IDataObject | null>>;
	/** Whether the application signs its event callbacks, read at activation. */
	signedCallbacks?: boolean;
	/** Each webhook's socket_timeout (ms) as set in the application, read at activation. */
	socketTimeoutMs?: Partial<Record<VoiceWebhookName, number>>;
}

function triggerData(context: IHookFunctions): VoiceTriggerData {
	return context.getWorkflowStaticData('node') as VoiceTriggerData;
}

function chosenApplicationId(context: IHookFunctions): string {
	const id = String(context.getNodeParameter('applicationId', '') ?? '').trim();
	if (!id)
		throw new NodeOperationError(
			context.getNode(),
			'Application: required, choose the Vonage application whose calls start this workflow',
		);
	return id;
}

/** The webhooks to point here: events always; answer and its fallback when this workflow answers calls. */
function wantedWebhooks(context: IHookFunctions): Partial<Record<VoiceWebhookName, string>> {
	const names: VoiceWebhookName[] = context.getNodeParameter('answerCalls', false)
		? ['event_url', 'answer_url', 'fallback_answer_url']
		: ['event_url'];
	const eventsUrl = String(context.getNodeWebhookUrl('default'));
	const base = eventsUrl.slice(0, eventsUrl.length - WEBHOOK_PATH.event_url.length);
	return Object.fromEntries(names.map((name) => [name, base + WEBHOOK_PATH[name]]));
}

export async function readApplication(
	context: IHookFunctions | ITriggerFunctions,
	id: string,
	options: { notFoundIsUndefined?: boolean } = {},
): Promise<IDataObject> {
	return await vonageRequest(context, {
		api: 'applications',
		method: 'GET',
		path: apiPath`/v2/applications/${id}`,
		...options,
	});
}

export function voiceWebhooksOf(application: IDataObject): IDataObject {
	const voice = (application.capabilities as IDataObject | undefined)?.voice as
		IDataObject | undefined;
	return (voice?.webhooks as IDataObject | undefined) ?? {};
}

/** PUT replaces the whole application, so everything but the voice webhooks is sent back as read. */
export async function writeVoiceWebhooks(
	context: IHookFunctions | ITriggerFunctions,
	application: IDataObject,
	webhooks: IDataObject,
) {
	const capabilities = application.capabilities as IDataObject;
	const body: IDataObject = {
		name: application.name,
		capabilities: { ...capabilities, voice: { ...(capabilities.voice as IDataObject), webhooks } },
		...(application.privacy ? { privacy: application.privacy } : {}),
	};
	await vonageRequest(context, {
		api: 'applications',
		method: 'PUT',
		path: apiPath`/v2/applications/${String(application.id)}`,
		body,
	});
}

export async function webhooksPointHere(context: IHookFunctions): Promise<boolean> {
	const data = triggerData(context);
	const applicationId = chosenApplicationId(context);
	if (data.applicationId !== applicationId || !data.previous) return false;
	const current = voiceWebhooksOf(await readApplication(context, applicationId));
	return Object.entries(wantedWebhooks(context)).every(
		([name, address]) => (current[name] as IDataObject | undefined)?.address === address,
	);
}

/**
 * Another published Voice Trigger of this n8n already receives the application's calls: taking
 * them silently would leave that workflow published but deaf. The user chooses, told which
 * workflow it is: n8n gives a node no way to look a workflow up by its webhook, so the trigger
 * at that URL is asked (workflowProbe.ts), and the error names the workflow when it answered.
 */
async function refuseAnotherWorkflowsApplication(
	context: IHookFunctions,
	application: IDataObject,
	current: IDataObject,
	wanted: Partial<Record<VoiceWebhookName, string>>,
) {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	if (options.takeOverApplication === true || context.getMode() === 'manual') return;
	const ours = String(wanted.event_url);
	// n8n's production URLs are <base>webhook/<webhook id>/<path>: the same base, another id.
	const webhookBase = ours.slice(
		0,
		ours.lastIndexOf('/', ours.length - WEBHOOK_PATH.event_url.length - 2) + 1,
	);
	for (const [name, address] of Object.entries(wanted) as Array<[VoiceWebhookName, string]>) {
		const existing = String((current[name] as IDataObject | undefined)?.address ?? '');
		if (existing === address || !existing.startsWith(webhookBase)) continue;
		if (!existing.endsWith(`/${WEBHOOK_PATH[name]}`)) continue;
		const holderUrl = eventUrlOfHolder(existing, name, webhookBase);
		const holder = holderUrl
			? await askWhichWorkflow(context, holderUrl, String(application.id))
			: { unanswered: 'its URL is not one n8n gives a Vonage Voice Trigger' };
		const app = `Application: "${String(application.name)}" (${String(application.id)})`;
		const where = `of this n8n (its ${name} is ${existing})`;
		const takeOver =
			'or turn on Options → Take Over From Another Workflow to move the application here (that workflow then reports the change).';
		if ('workflow' in holder) {
			const { id, name: workflowName } = holder.workflow;
			throw new NodeOperationError(
				context.getNode(),
				`${app} already sends its calls to the published workflow "${workflowName}" (id ${id}) ${where}`,
				{ description: `Unpublish "${workflowName}", then publish this one; ${takeOver}` },
			);
		}
		throw new NodeOperationError(
			context.getNode(),
			`${app} already sends its calls to another published workflow ${where}; that workflow could not be asked which it is: ${holder.unanswered}`,
			{
				description: `Unpublish the workflow whose Vonage Voice Trigger has that URL, then publish this one; ${takeOver}`,
			},
		);
	}
}

/**
 * The event URL of the trigger that `existing` (one of its URLs) belongs to, when it has the shape
 * n8n gives a Voice Trigger's URLs on this base: <base><webhook id>/<path>, the id a single
 * segment of letters, digits, - and _. The question is never sent anywhere else.
 */
function eventUrlOfHolder(
	existing: string,
	name: VoiceWebhookName,
	webhookBase: string,
): string | undefined {
	const webhookId = existing.slice(webhookBase.length, -(WEBHOOK_PATH[name].length + 1));
	if (!/^[\w-]{1,100}$/.test(webhookId)) return undefined;
	return `${webhookBase}${webhookId}/${WEBHOOK_PATH.event_url}`;
}

/**
 * Points the chosen application's voice webhooks here with one PUT, keeping every other
 * capability and each webhook's other settings (method, timeouts), and remembers what was there.
 * Everything that can be refused is checked before the PUT, so a refusal changes nothing.
 */
export async function pointWebhooksHere(
	context: IHookFunctions,
	checkBeforeWriting: (signed: boolean) => void,
) {
	const applicationId = chosenApplicationId(context);
	const application = await readApplication(context, applicationId);
	const voice = (application.capabilities as IDataObject | undefined)?.voice as
		IDataObject | undefined;
	if (!voice) {
		throw new NodeOperationError(
			context.getNode(),
			`Application: "${String(application.name)}" (${applicationId}) has no Voice capability; turn Voice on for it first`,
		);
	}
	const signedCallbacks = voice.signed_callbacks === true;
	checkBeforeWriting(signedCallbacks);

	const data = triggerData(context);
	const sameApplication = data.applicationId === applicationId;
	const current = voiceWebhooksOf(application);
	const wanted = wantedWebhooks(context);
	await refuseAnotherWorkflowsApplication(context, application, current, wanted);
	const previous: VoiceTriggerData['previous'] = {};
	const socketTimeoutMs: VoiceTriggerData['socketTimeoutMs'] = {};
	const webhooks: IDataObject = { ...current };
	for (const [name, address] of Object.entries(wanted) as Array<[VoiceWebhookName, string]>) {
		const existing = current[name] as IDataObject | undefined;
		// After an activation that was never undone (a crash), what is there is our own address:
		// the application's original settings are the ones remembered then.
		const alreadyOurs =
			sameApplication && existing?.address === address && data.previous?.[name] !== undefined;
		previous[name] = alreadyOurs ? data.previous![name] : (existing ?? null);
		webhooks[name] = { ...(existing ?? {}), address, http_method: 'POST' };
		if (typeof existing?.socket_timeout === 'number')
			socketTimeoutMs[name] = existing.socket_timeout;
	}
	await writeVoiceWebhooks(context, application, webhooks);
	Object.assign(data, {
		applicationId,
		pointedAt: wanted,
		previous,
		signedCallbacks,
		socketTimeoutMs,
	});
	context.logger.info(
		`Vonage Voice Trigger pointed ${Object.keys(wanted).join(', ')} of application ${applicationId} at n8n`,
	);
}

/**
 * Puts back what the application had before activation, for each webhook that still points here.
 * A webhook someone changed in the meantime is theirs now: it is left alone and logged.
 */
export async function restoreWebhooks(context: IHookFunctions): Promise<void> {
	const data = triggerData(context);
	const { applicationId, previous, pointedAt } = data;
	if (applicationId && previous && pointedAt) {
		const application = await readApplication(context, applicationId, {
			notFoundIsUndefined: true,
		});
		if (!application)
			context.logger.info(
				`Vonage Voice Trigger: application ${applicationId} no longer exists, nothing to restore`,
			);
		if (application) {
			const webhooks: IDataObject = { ...voiceWebhooksOf(application) };
			const restored: string[] = [];
			for (const [name, address] of Object.entries(pointedAt) as Array<
				[VoiceWebhookName, string]
			>) {
				const now = (webhooks[name] as IDataObject | undefined)?.address;
				if (now !== address) {
					context.logger.warn(
						`Vonage Voice Trigger left ${name} of application ${applicationId} as it is: it was changed to ${String(now)} after this workflow was activated`,
					);
					continue;
				}
				const before = previous[name];
				if (before) webhooks[name] = before;
				else delete webhooks[name];
				restored.push(name);
			}
			if (restored.length) {
				await writeVoiceWebhooks(context, application, webhooks);
				context.logger.info(
					`Vonage Voice Trigger restored ${restored.join(', ')} of application ${applicationId}`,
				);
			}
		}
	}
	delete data.applicationId;
	delete data.pointedAt;
	delete data.previous;
	delete data.signedCallbacks;
	delete data.socketTimeoutMs;
}

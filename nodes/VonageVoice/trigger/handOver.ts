import type { IDataObject, IRun, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

import { ReplayWindows } from '../../shared/webhook/replayGuard';
import { leftToCatchUp, type CatchUpData } from './catchUpSettings';
import { onOutput } from './outputs';
import {
	deduplicationKey,
	FINAL_STATUSES,
	isCallStatusEvent,
	liveItem,
	voiceEventKey,
} from './voiceEvents';

export const ownerKey = (workflowId: string | undefined, nodeId: string) =>
	`${workflowId ?? ''}/${nodeId}`;

/**
 * Status keys that ran in this process, live or caught up, per trigger node. A day covers the
 * window's default and any call; 50,000 is far above a day of one application's call legs.
 */
export const statusesRun = new ReplayWindows(24 * 3_600_000, 50_000);

type HandOver = (event: IDataObject) => 'emitted' | 'duplicate';
/** The running trigger() of each published Voice Trigger with catch-up, in this process. */
const runningTriggers = new Map<string, HandOver>();

/**
 * Called by webhook() for a verified call event that passed the filter. 'emitted' and
 * 'duplicate': the trigger took it (webhook() starts nothing); false: no trigger with catch-up
 * runs here (a queue-mode webhook processor, a test run), webhook() runs it as before.
 */
export function handOverLiveEvent(
	context: IWebhookFunctions,
	event: IDataObject,
): 'emitted' | 'duplicate' | false {
	if (context.getMode() === 'manual') return false;
	const owner = ownerKey(context.getWorkflow().id, context.getNode().id);
	const handOver = runningTriggers.get(owner);
	if (!isCallStatusEvent(event)) return false;
	if (handOver) return handOver(event);
	// Run by webhook(): remembered so that this process's catch-up does not run it again; one
	// left to the catch-up does not run here.
	const options = context.getNodeParameter('options', {}) as IDataObject;
	if (!leftToCatchUp(options, event))
		statusesRun.for(owner).firstTime(voiceEventKey(event), Date.now());
	return false;
}

/** Makes live status events of this trigger go through its emit(), with their key. */
export function acceptHandOvers(context: ITriggerFunctions): () => void {
	const owner = ownerKey(context.getWorkflow().id, context.getNode().id);
	const seen = statusesRun.for(owner);
	const handOver: HandOver = (event) => {
		const key = voiceEventKey(event);
		if (!seen.firstTime(key, Date.now())) return 'duplicate';
		const done = context.helpers.createDeferredPromise<IRun>();
		done.promise.then(
			() => {
				// Saved with a later emit: after a restart the catch-up does not offer it to n8n again.
				// Only once stored, or a crash before that would skip it for good.
				const cursor = (context.getWorkflowStaticData('node') as CatchUpData).catchUp;
				if (cursor && FINAL_STATUSES.includes(String(event.status))) {
					const time = Date.parse(String(event.timestamp));
					(cursor.recent ??= {})[key] = Number.isFinite(time) ? time : Date.now();
				}
			},
			(error: Error) => {
				// Not stored: a catch-up may run it.
				seen.forget(key);
				context.logger.error(
					`Vonage Voice Trigger could not run call event ${key}: ${error.message}`,
				);
			},
		);
		const saved = (context.getWorkflowStaticData('node') as CatchUpData).catchUp;
		if (saved) saved.lastEmitAt = Date.now();
		context.emit(
			onOutput(context, 0, liveItem(event)),
			undefined,
			done,
			deduplicationKey(context.getWorkflow().id, context.getNode().id, key),
		);
		return 'emitted';
	};
	runningTriggers.set(owner, handOver);
	return () => {
		if (runningTriggers.get(owner) === handOver) runningTriggers.delete(owner);
	};
}

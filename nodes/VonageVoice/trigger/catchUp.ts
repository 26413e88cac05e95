import type { IDataObject, IRun, ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { wantedVoiceEvent } from './eventFilter';

import {
	listCalls,
	statusOrder,
	CALL_LOOKBACK_MS,
	OVERLAP_MS,
	countCalls,
	listedStatus,
	type ListedStatus,
} from './callList';
import { catchUpWindowMs, confirmedUntil } from '../../shared/kit/catchUp';
import type { CatchUpData } from './catchUpSettings';
import { ownerKey, statusesRun } from './handOver';
import { onOutput } from './outputs';
import { deduplicationKey } from './voiceEvents';

/**
 * Vonage tries a call event twice and then drops it, and no API replays it. What `GET /v1/calls`
 * still tells is each call's current status, so the process that runs triggers reads the
 * application's calls since the last catch-up (on start, a new leader, and at the check interval)
 * and runs each status it has not run yet, once, with n8n's execution deduplication key. Live
 * status events that reach this process are handed to the running trigger and emitted with the
 * same key, so a live event and its catch-up never both run (docs/behaviour.md, "The Voice Trigger
 * after an outage").
 */

/** Catch-up executions waiting to be confirmed at a time, as the VIS Trigger's catch-up. */
const IN_FLIGHT = 5;
/** Final keys kept in static data, so a restart does not emit them again into n8n's refusal. */
const MAX_RECENT = 2000;

export interface CatchUpOutcome {
	emitted: number;
	complete: boolean;
	skipped: number;
}

/** Once per process and reason, so a check every few minutes does not fill the log. */
const warnedOnce = new Set<string>();
function warnOnce(context: ITriggerFunctions, reason: string, message: string) {
	const key = `${ownerKey(context.getWorkflow().id, context.getNode().id)}:${reason}`;
	if (warnedOnce.has(key)) return;
	warnedOnce.add(key);
	// No JWT credential is a choice (catch-up is optional), not a fault.
	if (reason === 'no-jwt') context.logger.info(message);
	else context.logger.warn(message);
}

/** Whether this trigger can catch up: a window above 0 and the application's own JWT credential. */
export async function catchUpEnabled(context: ITriggerFunctions): Promise<boolean> {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	if (catchUpWindowMs(options.catchUpHours) === 0) return false;
	const data = context.getWorkflowStaticData('node') as CatchUpData;
	let jwtApplicationId: string;
	try {
		const credentials = await context.getCredentials('vonageJwtApi');
		jwtApplicationId = String(credentials.applicationId ?? '').trim();
	} catch {
		warnOnce(
			context,
			'no-jwt',
			'Vonage Voice Trigger: no Vonage Application JWT credential, so call events Vonage could not deliver are not caught up',
		);
		return false;
	}
	if (data.applicationId && jwtApplicationId !== data.applicationId) {
		warnOnce(
			context,
			'other-app',
			`Vonage Voice Trigger: the Vonage Application JWT credential is for application ${jwtApplicationId}, not ${data.applicationId}, so calls are not caught up`,
		);
		return false;
	}
	return true;
}

/** Sets a fresh cursor on publication; keeps the saved one on n8n's start and a new leader. */
export function startCursor(context: ITriggerFunctions, now = Date.now()) {
	const data = context.getWorkflowStaticData('node') as CatchUpData;
	const activation = context.getActivationMode();
	const resume =
		activation === 'init' || activation === 'leadershipChange' || activation === 'update';
	if (!resume || !data.catchUp || !Number.isFinite(data.catchUp.afterMs))
		data.catchUp = { afterMs: now, recent: {} };
}

/**
 * One catch-up: lists the application's calls since the cursor, runs each status not run yet,
 * oldest first, and moves the cursor only past what n8n confirmed.
 */
export async function catchUpCalls(
	context: ITriggerFunctions,
	stopped: AbortSignal,
	now = Date.now(),
): Promise<CatchUpOutcome> {
	const data = context.getWorkflowStaticData('node') as CatchUpData;
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const windowMs = catchUpWindowMs(options.catchUpHours);
	const finalOnly = ['final', 'finalFromCatchUp'].includes(String(options.catchUpStatuses));
	data.catchUp ??= { afterMs: now, recent: {} };
	const cursor = data.catchUp;
	const floor = now - windowMs;
	if (cursor.afterMs < floor) await reportGap(context, cursor, floor, windowMs);
	const afterMs = Math.max(cursor.afterMs, floor);
	const { records, complete: listed } = await listCalls(
		context,
		afterMs - OVERLAP_MS - CALL_LOOKBACK_MS,
		now,
		stopped,
	);
	if (!listed || stopped.aborted) return { emitted: 0, complete: false, skipped: 0 };

	const recent = (cursor.recent ??= {});
	const byKey = new Map<string, ListedStatus>();
	const reasons = new Map<string, number>();
	for (const record of records) {
		const status = listedStatus(record);
		if (typeof status === 'string') {
			reasons.set(status, (reasons.get(status) ?? 0) + 1);
			continue;
		}
		if (status.final ? status.timeMs <= afterMs - OVERLAP_MS || status.timeMs > now : finalOnly)
			continue;
		if (!wantedVoiceEvent(status.item, options)) continue;
		if (recent[status.key] !== undefined) continue;
		// Listed twice (the list moved between pages): once is enough.
		byKey.set(status.key, status);
	}
	if (reasons.size)
		context.logger.warn(
			`Vonage Voice Trigger skipped call records it cannot read: ${[...reasons].map(([reason, count]) => `${count} × ${reason}`).join(', ')}`,
		);
	const statuses = [...byKey.values()].sort(
		(a, b) =>
			a.timeMs - b.timeMs ||
			String(a.item.uuid).localeCompare(String(b.item.uuid)) ||
			statusOrder(a.item.status) - statusOrder(b.item.status),
	);
	const outcome = await emitConfirmed(context, statuses, stopped);
	if (outcome.complete) {
		cursor.afterMs = Math.max(cursor.afterMs, now);
		pruneRecent(cursor);
	}
	const skipped = [...reasons.values()].reduce((sum, count) => sum + count, 0);
	if (outcome.emitted)
		context.logger.info(
			`Vonage Voice Trigger caught up ${outcome.emitted} call status(es) Vonage did not deliver since ${new Date(afterMs).toISOString()}${outcome.complete ? '' : '; the rest at its next check'}`,
		);
	return { ...outcome, skipped };
}

function pruneRecent(cursor: NonNullable<CatchUpData['catchUp']>) {
	const recent = cursor.recent ?? {};
	const entries = Object.entries(recent)
		.filter(([, time]) => time > cursor.afterMs - 2 * OVERLAP_MS)
		.sort((a, b) => a[1] - b[1])
		.slice(-MAX_RECENT);
	cursor.recent = Object.fromEntries(entries);
}

/** A gap longer than the window: reported once as a failed execution when calls were in it. */
async function reportGap(
	context: ITriggerFunctions,
	cursor: NonNullable<CatchUpData['catchUp']>,
	floor: number,
	windowMs: number,
) {
	if (cursor.reportedBeforeMs !== undefined && cursor.reportedBeforeMs >= cursor.afterMs) return;
	cursor.reportedBeforeMs = cursor.afterMs;
	// Calls that started before the last emit ran then (or were caught up): not a gap.
	const sinceMs = Math.max(cursor.afterMs, cursor.lastEmitAt ?? 0);
	if (sinceMs >= floor) return;
	const count = await countCalls(context, sinceMs, floor);
	// Vonage lists no call in the part not read: nothing was lost there.
	if (count === 0) return;
	const since = new Date(sinceMs).toISOString();
	const what = Number.isNaN(count)
		? 'calls of the application'
		: `${count} call(s) of the application started`;
	context.saveFailedExecution(
		new NodeOperationError(
			context.getNode(),
			`Vonage Voice call events since ${since} were not caught up: only the last ${windowMs / 3_600_000} hours (the Catch-Up Window) are run, and ${what} between ${since} and ${new Date(floor).toISOString()}`,
			{
				description:
					'Raise Options → Catch-Up Window (up to 168 hours) to run older calls, or look them up with the Vonage Voice node (Call → Get Many).',
			},
		),
	);
}

/**
 * Emits with at most IN_FLIGHT unconfirmed, and before each emit moves the cursor past the final
 * statuses confirmed so far, so that what n8n saves with the emit never claims more than it ran.
 * An emit n8n could not store stops the catch-up; it and what follows run at the next check.
 */
async function emitConfirmed(
	context: ITriggerFunctions,
	statuses: ListedStatus[],
	stopped: AbortSignal,
): Promise<{ emitted: number; complete: boolean }> {
	const data = context.getWorkflowStaticData('node') as CatchUpData;
	const workflowId = context.getWorkflow().id;
	const nodeId = context.getNode().id;
	const seen = statusesRun.for(ownerKey(workflowId, nodeId));
	const finals = statuses.filter((status) => status.final);
	const times = finals.map((status) => status.timeMs);
	const confirmed = finals.map(() => false);
	const pending = new Set<Promise<void>>();
	let failed = false;
	let emitted = 0;
	const advance = () => {
		const until = confirmedUntil(times, confirmed);
		if (until !== undefined && data.catchUp)
			data.catchUp.afterMs = Math.max(data.catchUp.afterMs, until);
	};
	for (const status of statuses) {
		while (pending.size >= IN_FLIGHT) await Promise.race(pending);
		if (failed || stopped.aborted) break;
		const finalIndex = finals.indexOf(status);
		// A live event reached this process meanwhile.
		if (!seen.firstTime(status.key, Date.now())) {
			if (finalIndex >= 0) confirmed[finalIndex] = true;
			continue;
		}
		advance();
		const done = context.helpers.createDeferredPromise<IRun>();
		const settled: Promise<void> = done.promise.then(
			() => {
				if (finalIndex >= 0) confirmed[finalIndex] = true;
				// Only once stored: a crash before that must let the next catch-up offer it again.
				if (status.final && data.catchUp) (data.catchUp.recent ??= {})[status.key] = status.timeMs;
				pending.delete(settled);
			},
			(error: Error) => {
				failed = true;
				seen.forget(status.key);
				pending.delete(settled);
				context.logger.error(
					`Vonage Voice Trigger could not run caught-up call status ${status.key}: ${error.message}`,
				);
			},
		);
		pending.add(settled);
		if (data.catchUp) data.catchUp.lastEmitAt = Date.now();
		context.emit(
			onOutput(context, 0, status.item),
			undefined,
			done,
			deduplicationKey(workflowId, nodeId, status.key),
		);
		emitted++;
	}
	await Promise.all(pending);
	advance();
	return { emitted, complete: !failed && !stopped.aborted && confirmed.every(Boolean) };
}

import { createHash } from 'node:crypto';
import type {
	IDataObject,
	INodeProperties,
	IRun,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { VOICE_CALL_STATUSES } from '../../shared/kit/callStates';
import { vonageRequest } from '../../shared/request/transport';
import { ReplayWindows } from '../../shared/webhook/replayGuard';
import type { VoiceTriggerData } from './applicationWebhooks';
import { wantedVoiceEvent } from './eventFilter';
import { answersTurns } from './receive';

/**
 * Vonage tries a call event twice and then drops it, and no API replays it. What `GET /v1/calls`
 * still tells is each call's current status, so the process that runs triggers reads the
 * application's calls since the last catch-up (on start, a new leader, and at the check interval)
 * and runs each status it has not run yet, once, with n8n's execution deduplication key. Live
 * status events that reach this process are handed to the running trigger and emitted with the
 * same key, so a live event and its catch-up never both run (docs/behaviour.md, "The Voice Trigger
 * after an outage").
 */

/** Statuses a call never leaves: their record carries the time they were reached (end_time). */
export const FINAL_STATUSES = VOICE_CALL_STATUSES.filter(
	(status) => !['started', 'ringing', 'answered', 'machine'].includes(status),
) as string[];

/** A call lasts at most 2 h (length_timer's maximum, 7200 s) after ringing up to 120 s. */
export const CALL_LOOKBACK_MS = 2.5 * 3_600_000;
/**
 * Each catch-up reads this far before its cursor again: call times are given in whole seconds,
 * and Vonage may list a status a little after the event. Keys skip what already ran.
 */
export const OVERLAP_MS = 10 * 60_000;
/** Vonage's page maximum; and a page cap, so a list that never ends cannot hold the trigger. */
const PAGE_SIZE = 100;
const MAX_PAGES = 500;
/** Between pages: well under the Voice API's request rate, which the actions share. */
export const pacing = { pageGapMs: 500 };
/** Catch-up executions waiting to be confirmed at a time, as the VIS Trigger's catch-up. */
const IN_FLIGHT = 5;
/** Final keys kept in static data, so a restart does not emit them again into n8n's refusal. */
const MAX_RECENT = 2000;

const DEFAULT_CATCH_UP_HOURS = 24;
const MAX_CATCH_UP_HOURS = 168;

export const catchUpOptions: INodeProperties[] = [
	{
		displayName: 'Catch-Up Window (Hours)',
		name: 'catchUpHours',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_CATCH_UP_HOURS },
		default: DEFAULT_CATCH_UP_HOURS,
		description: `How far back call statuses Vonage could not deliver (n8n down or unreachable) are read from Vonage and run, at most ${MAX_CATCH_UP_HOURS} hours. Needs the Vonage Application JWT credential of the same application. 0 turns catch-up off. A longer gap is recorded as a failed execution.`,
	},
	{
		displayName: 'Catch-Up Runs',
		name: 'catchUpStatuses',
		type: 'options',
		options: [
			{
				name: 'Every Status Change',
				value: 'all',
				description:
					'For n8n in one process (regular mode): each status a call is listed with runs once, live or caught up',
			},
			{
				name: 'Final Statuses Only (Queue Mode)',
				value: 'final',
				description:
					'For queue mode: only ended calls are caught up; a live run on a webhook processor and its catch-up can both run, so remove duplicates on eventKey',
			},
		],
		default: 'all',
		description: 'Which call statuses a catch-up runs',
	},
];

/** The window in milliseconds, held to its bounds whatever the parameter holds. */
export function catchUpWindowMs(hours: unknown): number {
	const value =
		typeof hours === 'number' || (typeof hours === 'string' && hours.trim() !== '')
			? Number(hours)
			: Number.NaN;
	if (Number.isNaN(value)) return DEFAULT_CATCH_UP_HOURS * 3_600_000;
	return Math.min(Math.max(value, 0), MAX_CATCH_UP_HOURS) * 3_600_000;
}

/** What the catch-up keeps in the node's static data (saved by n8n with each emit). */
export interface CatchUpData extends VoiceTriggerData {
	catchUp?: {
		/** Final statuses reached up to this time (epoch ms) have run or were refused as run. */
		afterMs: number;
		/** Final keys run near the cursor, with their times. */
		recent?: Record<string, number>;
		/** The gap before the window already reported, so a restart does not report it twice. */
		reportedBeforeMs?: number;
		/**
		 * When the trigger last emitted (saved with that emit): the cursor is saved only with emits,
		 * so in a quiet spell it stays behind, but the calls before this time did run.
		 */
		lastEmitAt?: number;
	};
}

/** Where an item came from, so that a workflow can tell. */
type Source = 'webhook' | 'catch-up';

/**
 * The same for a live status event and a listing of that call in that status: call leg uuid and
 * status. Events without a status (record, transcription) have their own kind and time.
 */
export function voiceEventKey(event: IDataObject): string {
	const escape = (value: unknown) => String(value).replace(/[%:]/g, encodeURIComponent);
	if (isCallStatusEvent(event)) return `${escape(event.uuid)}:${escape(event.status)}`;
	const kind =
		event.type === 'transcription' || 'transcription_url' in event ? 'transcription' : 'record';
	return `${escape(event.uuid ?? event.conversation_uuid)}:${kind}:${escape(event.recording_uuid ?? event.timestamp)}`;
}

/** A call leg's status event (not a record or transcription event, which carry no call status). */
export function isCallStatusEvent(event: IDataObject): boolean {
	return (
		typeof event.uuid === 'string' &&
		event.uuid !== '' &&
		typeof event.status === 'string' &&
		event.type !== 'transcription' &&
		!('transcription_url' in event) &&
		!('recording_url' in event)
	);
}

export function liveItem(event: IDataObject): IDataObject {
	return { ...event, source: 'webhook' satisfies Source, eventKey: voiceEventKey(event) };
}

/** The emitted item on Call Event, with a list for every output, as receive.ts gives them. */
function onCallEvent(context: ITriggerFunctions, json: IDataObject) {
	const answerCalls = context.getNodeParameter('answerCalls', false) as boolean;
	const outputs = answersTurns(context, answerCalls) ? 3 : answerCalls ? 2 : 1;
	return Array.from({ length: outputs }, (_list, index) => (index === 0 ? [{ json }] : []));
}

/** n8n's execution deduplication key (unique in its database, at most 255 characters). */
export function deduplicationKey(workflowId: string | undefined, nodeId: string, key: string) {
	const readable = `vonage-voice:${workflowId ?? ''}:${nodeId}:${key}`;
	return readable.length <= 255
		? readable
		: `vonage-voice:${createHash('sha256').update(readable).digest('hex')}`;
}

const ownerKey = (workflowId: string | undefined, nodeId: string) =>
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
	// Run by webhook(): remembered so that this process's catch-up does not run it again.
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
			onCallEvent(context, liveItem(event)),
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

/**
 * A call record's time: the v1 reference gives "YYYY-MM-DD HH:MM:SS" (UTC, no zone), Vonage's
 * SDK fixtures ISO 8601; both are read, a time without a zone as UTC. NaN when unreadable.
 */
export function recordTime(value: unknown): number {
	if (typeof value !== 'string') return Number.NaN;
	const text = value.trim();
	const plain = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(text);
	if (plain) return Date.parse(`${plain[1]}T${plain[2]}Z`);
	if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return Number.NaN;
	return Date.parse(text);
}

/** ISO 8601 in UTC without milliseconds, as the reference shows for date_start and date_end. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const endpointNumber = (endpoint: unknown): IDataObject[string] => {
	if (!endpoint || typeof endpoint !== 'object') return endpoint as IDataObject[string];
	const { number, uri, user, extension } = endpoint as IDataObject;
	return number ?? uri ?? user ?? extension ?? '';
};

export interface ListedStatus {
	key: string;
	timeMs: number;
	final: boolean;
	item: IDataObject;
}

/**
 * One call record as the status event it stands for, or the reason it cannot be one. Its time
 * is when it reached the status: the end for a final status, else its start (the answer time is
 * not listed).
 */
export function listedStatus(record: unknown): ListedStatus | string {
	if (!record || typeof record !== 'object' || Array.isArray(record)) return 'not an object';
	const call = record as IDataObject;
	if (typeof call.uuid !== 'string' || !call.uuid) return 'no uuid';
	const status = call.status;
	if (typeof status !== 'string' || !(VOICE_CALL_STATUSES as readonly string[]).includes(status))
		return `unknown status ${JSON.stringify(status)}`;
	const final = FINAL_STATUSES.includes(status);
	const timeMs = recordTime(final ? (call.end_time ?? call.start_time) : call.start_time);
	if (!Number.isFinite(timeMs)) return `unreadable time for ${status}`;
	const item: IDataObject = {
		uuid: call.uuid,
		conversation_uuid: call.conversation_uuid,
		status,
		direction: call.direction,
		from: endpointNumber(call.from),
		to: endpointNumber(call.to),
		timestamp: new Date(timeMs).toISOString(),
		start_time: call.start_time,
		end_time: call.end_time,
		duration: call.duration,
		rate: call.rate,
		price: call.price,
		network: call.network,
	};
	for (const field of Object.keys(item)) if (item[field] === undefined) delete item[field];
	const key = voiceEventKey(item);
	return {
		key,
		timeMs,
		final,
		item: { ...item, source: 'catch-up' satisfies Source, eventKey: key },
	};
}

const statusOrder = (status: unknown) => VOICE_CALL_STATUSES.indexOf(status as never);

/**
 * Reads the calls that started from `startedFromMs` up to `untilMs`, oldest first, page by page
 * (record_index from _links.next), paced. A page that is not a call list is an error: taken as
 * "no calls", it would move the cursor past calls never read.
 */
export async function listCalls(
	context: ITriggerFunctions,
	startedFromMs: number,
	untilMs: number,
	signal: AbortSignal,
): Promise<{ records: unknown[]; complete: boolean }> {
	const records: unknown[] = [];
	let recordIndex = 0;
	for (let page = 1; ; page++) {
		if (signal.aborted) return { records, complete: false };
		if (page > MAX_PAGES)
			throw new Error(`GET /v1/calls kept announcing pages after ${MAX_PAGES}; nothing was run`);
		if (page > 1) await sleep(pacing.pageGapMs, signal).catch(() => undefined);
		if (signal.aborted) return { records, complete: false };
		const response = await vonageRequest<unknown>(context, {
			api: 'voice',
			method: 'GET',
			path: '/v1/calls',
			query: {
				date_start: isoSeconds(startedFromMs),
				date_end: isoSeconds(untilMs),
				order: 'asc',
				page_size: PAGE_SIZE,
				record_index: recordIndex,
			},
		});
		const body = response as IDataObject | undefined;
		const calls = (body?._embedded as IDataObject | undefined)?.calls;
		// Vonage answers a window without calls with a body that has count 0 and no _embedded.
		if (calls === undefined && body && typeof body === 'object' && Number(body.count) === 0)
			return { records, complete: true };
		if (!Array.isArray(calls))
			throw new Error(
				`GET /v1/calls (record_index ${recordIndex}) answered without a list of calls; nothing was skipped`,
			);
		records.push(...calls);
		const href = ((body?._links as IDataObject | undefined)?.next as IDataObject | undefined)?.href;
		const next =
			typeof href === 'string' && URL.canParse(href, 'https://placeholder.invalid')
				? Number(new URL(href, 'https://placeholder.invalid').searchParams.get('record_index'))
				: Number.NaN;
		if (!calls.length || !Number.isInteger(next)) return { records, complete: true };
		// A next link that does not move on would read the same page forever.
		if (next <= recordIndex)
			throw new Error(`GET /v1/calls announced record_index ${next} after ${recordIndex}`);
		recordIndex = next;
	}
}

/** How many calls Vonage lists as started in a span (count of a one-record page); NaN unknown. */
async function countCalls(context: ITriggerFunctions, fromMs: number, untilMs: number) {
	try {
		const body = await vonageRequest<IDataObject>(context, {
			api: 'voice',
			method: 'GET',
			path: '/v1/calls',
			query: { date_start: isoSeconds(fromMs), date_end: isoSeconds(untilMs), page_size: 1 },
		});
		const count = Number(body?.count);
		return Number.isInteger(count) && count >= 0 ? count : Number.NaN;
	} catch {
		return Number.NaN;
	}
}

/**
 * Where the cursor may move: past the last confirmed final status before the first unconfirmed
 * one; statuses of one time move together, since the cursor excludes its own time.
 */
export function confirmedUntil(times: number[], confirmed: boolean[]): number | undefined {
	let first = confirmed.indexOf(false);
	if (first === -1) first = times.length;
	for (let last = first - 1; last >= 0; last--)
		if (first === times.length || times[last] < times[first]) return times[last];
	return undefined;
}

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
	const finalOnly = options.catchUpStatuses === 'final';
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
			onCallEvent(context, status.item),
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

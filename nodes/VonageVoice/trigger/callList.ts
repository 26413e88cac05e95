import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { VOICE_CALL_STATUSES } from '../../shared/kit/callStates';
import { vonageRequest } from '../../shared/request/transport';
import { FINAL_STATUSES, voiceEventKey, type Source } from './voiceEvents';

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
export const PAGE_GAP_MS = 500;

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

export const statusOrder = (status: unknown) => VOICE_CALL_STATUSES.indexOf(status as never);

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
		if (page > 1) await sleep(PAGE_GAP_MS, signal).catch(() => undefined);
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
export async function countCalls(context: ITriggerFunctions, fromMs: number, untilMs: number) {
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

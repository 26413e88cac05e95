import type { IDataObject } from 'n8n-workflow';

import {
	CALL_LOOKBACK_MS,
	eventKey,
	FINAL_CALL_STATES,
	isWanted,
	stateTime,
	type EventFilter,
} from '../events';

/**
 * What the VIS Poll Trigger keeps in static data between polls. n8n saves it when a poll emits,
 * so after a restart the first poll reads on from the last emitted events (a catch-up).
 */
export interface PollCursor extends IDataObject {
	/** When the trigger started reading (its publication): nothing before it is ever emitted. */
	since?: number;
	/** Events with a state time after this (minus the overlap) are read (n8n's clock, epoch ms). */
	afterMs?: number;
	/** Keys ("id:state") emitted whose state time is still inside the overlap, with that time. */
	recent?: Record<string, number>;
	/** Calls seen in a state they can still leave, by event id, with their start time. */
	open?: Record<string, number>;
}

/**
 * Each poll reads again this far before the last one, for VIS listing an event late or a VIS
 * clock behind n8n's; what it reads twice is skipped by key (docs/behaviour.md, VIS Poll Trigger).
 */
export const POLL_OVERLAP_MS = 10 * 60_000;

/** The least a poll reads back (a test poll, or a Catch-Up Window of 0): one hour. */
export const MIN_POLL_WINDOW_MS = 3_600_000;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Static data is whatever was saved, and may have been edited or written by another version: a
 * field that is not what this version writes is dropped, since one NaN would reach the listing's
 * `fromDate` (a 400 at every poll, the cursor never moving again). Returns whether `afterMs` was
 * unreadable, so the caller reads the whole window rather than start over and skip it.
 */
export function repairCursor(cursor: PollCursor): boolean {
	const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
	if (cursor.since !== undefined && !finite(cursor.since)) delete cursor.since;
	const lostAfter = cursor.afterMs !== undefined && !finite(cursor.afterMs);
	if (lostAfter) delete cursor.afterMs;
	for (const field of ['recent', 'open'] as const) {
		const map = cursor[field];
		if (map === undefined) continue;
		if (!isPlainObject(map)) {
			delete cursor[field];
			continue;
		}
		for (const [key, value] of Object.entries(map)) if (!finite(value)) delete map[key];
	}
	return lostAfter;
}

/** Where the listing starts by call start time: the oldest call still going on, within bounds. */
export function startedFrom(cursor: PollCursor, afterMs: number): number {
	const open = Object.values(cursor.open ?? {});
	return Math.max(Math.min(afterMs, ...open), afterMs - CALL_LOOKBACK_MS);
}

/**
 * Takes one poll's listing (every state, so that calls still going on are known whatever the
 * filter): returns the wanted events not emitted yet, oldest first, and moves the cursor to
 * `now`, remembering what the next poll's overlap will list again.
 */
export function advance(
	cursor: PollCursor,
	listed: IDataObject[],
	now: number,
	filter: EventFilter = {},
): IDataObject[] {
	const recent = { ...(cursor.recent ?? {}) };
	const open = { ...(cursor.open ?? {}) };
	const fresh: IDataObject[] = [];
	for (const event of listed) {
		const key = eventKey(event);
		const id = String(event.id);
		const final = FINAL_CALL_STATES.includes(String(event.state));
		// A call that ended does not ring again: a listing that says so later is not a new event.
		if (!final && FINAL_CALL_STATES.some((state) => recent[eventKey({ id, state })] !== undefined))
			continue;
		if (final) delete open[id];
		else open[id] = Date.parse(String(event.startTime)) || now;
		if (recent[key] !== undefined || !isWanted(event, filter)) continue;
		recent[key] = stateTime(event);
		fresh.push(event);
	}
	const forgetBefore = now - POLL_OVERLAP_MS;
	for (const [key, time] of Object.entries(recent)) if (!(time > forgetBefore)) delete recent[key];
	for (const [id, started] of Object.entries(open))
		if (started < now - CALL_LOOKBACK_MS) delete open[id];
	cursor.afterMs = now;
	cursor.recent = recent;
	cursor.open = open;
	return fresh;
}

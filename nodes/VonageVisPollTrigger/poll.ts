import type { IDataObject } from 'n8n-workflow';

import { CALL_LOOKBACK_MS, eventKey, FINAL_CALL_STATES, isWanted, stateTime, type EventFilter } from '../shared/visEvents';

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

/** The poll's clock, replaceable in tests. */
export const pollClock = { now: () => Date.now() };

/**
 * Each poll reads again this far before the last one: VIS may list an event a little after the
 * time it happened, or with a clock a little ahead of n8n's. What it reads twice is skipped by key.
 */
export const POLL_OVERLAP_MS = 60_000;

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
export function advance(cursor: PollCursor, listed: IDataObject[], now: number, filter: EventFilter = {}): IDataObject[] {
	const recent = { ...(cursor.recent ?? {}) };
	const open = { ...(cursor.open ?? {}) };
	const fresh: IDataObject[] = [];
	for (const event of listed) {
		const key = eventKey(event);
		const id = String(event.id);
		if (FINAL_CALL_STATES.includes(String(event.state))) delete open[id];
		else open[id] = Date.parse(String(event.startTime)) || now;
		if (recent[key] !== undefined || !isWanted(event, filter)) continue;
		recent[key] = stateTime(event);
		fresh.push(event);
	}
	const forgetBefore = now - POLL_OVERLAP_MS;
	for (const [key, time] of Object.entries(recent)) if (!(time > forgetBefore)) delete recent[key];
	for (const [id, started] of Object.entries(open)) if (started < now - CALL_LOOKBACK_MS) delete open[id];
	cursor.afterMs = now;
	cursor.recent = recent;
	cursor.open = open;
	return fresh;
}

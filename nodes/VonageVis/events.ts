import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { callStateOptions, CALL_STATES } from '../shared/kit/callStates';
import { directionFilter } from '../shared/kit/descriptions';
import { visPaginate } from '../shared/request/pagination';
import type { VonageContext } from '../shared/request/transport';
import { DEFAULT_CATCH_UP_HOURS, MAX_CATCH_UP_HOURS } from '../shared/kit/catchUp';

/**
 * Reading call events back from VIS (`GET /self/events`) for the VIS Trigger's catch-up and the
 * VIS Poll Trigger. A record is new or changed when its id and state were not emitted yet; it
 * changed at its state time (docs/behaviour.md, "What a catch-up event is").
 */

/** States a call never leaves. */
export const FINAL_CALL_STATES = ['ANSWERED', 'CANCELLED', 'MISSED', 'REJECTED'];

/** Where an item of the VIS triggers came from, so that a workflow can tell. */
type EventSource = 'webhook' | 'catch-up' | 'poll';

/**
 * The same for a delivery and a listing of one call event in one state. An id may hold ':' (VIS
 * does not say what ids are), so a ':' or '%' in the state is escaped: the key then splits at its
 * last ':', and an id "a:b" in state "C" cannot share a key with an id "a" in state "b:C". VIS's
 * states have neither, so their keys read as "<event id>:<state>".
 */
export function eventKey(event: IDataObject): string {
	return `${String(event.id)}:${String(event.state).replace(/[%:]/g, (char) => encodeURIComponent(char))}`;
}

/**
 * When the event reached the state it is listed with (VIS's clock), or NaN when it has no time:
 * such an event cannot be placed in a window and is not run. ISO text as VIS documents, or epoch
 * milliseconds (the unit of its `fromDate`); an unreadable time falls back to the next one.
 */
export function stateTime(event: IDataObject): number {
	for (const field of ['endTime', 'answerTime', 'startTime']) {
		const value = event[field];
		const time =
			typeof value === 'string' && value
				? Date.parse(value)
				: typeof value === 'number'
					? value
					: Number.NaN;
		if (Number.isFinite(time)) return time;
	}
	return Number.NaN;
}

/** The trigger options that choose events (shared by both VIS triggers). */
export interface EventFilter {
	states?: string[];
	direction?: string;
	finalStatesOnly?: boolean;
}

/** The filter the triggers' Options collection holds. */
export function eventFilterOf(options: IDataObject): EventFilter {
	return {
		states: Array.isArray(options.states) ? (options.states as string[]) : [],
		direction: typeof options.direction === 'string' ? options.direction : undefined,
		finalStatesOnly: options.finalStatesOnly === true,
	};
}

export function isWanted(event: IDataObject, filter: EventFilter): boolean {
	const states = filter.states ?? [];
	return (
		(!states.length || states.includes(String(event.state))) &&
		(!filter.direction || filter.direction === 'ANY' || filter.direction === event.direction) &&
		(!filter.finalStatesOnly || FINAL_CALL_STATES.includes(String(event.state)))
	);
}

/**
 * A call that started this long before the window can still change state inside it (a long
 * call that ends during an outage), so listings reach back this far by start time.
 */
export const CALL_LOOKBACK_MS = 12 * 3_600_000;

/** Catch-up and first-poll window: how far back events are read at most. */

const catchUpHoursField: INodeProperties = {
	displayName: 'Catch-Up Window (Hours)',
	name: 'catchUpHours',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_CATCH_UP_HOURS },
	default: DEFAULT_CATCH_UP_HOURS,
	description: `How far back call events missed while n8n was down (or unreachable) are read from VIS and run, at most ${MAX_CATCH_UP_HOURS} hours (7 days). 0 turns catch-up off. Older events are not replayed; the n8n log says how far back the gap went.`,
};

/** The Options of both VIS triggers: which call events start the workflow, and the catch-up. */
export const eventOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		catchUpHoursField,
		directionFilter((word) => word.toUpperCase()),
		{
			displayName: 'Final States Only',
			name: 'finalStatesOnly',
			type: 'boolean',
			default: false,
			description:
				'Whether to start only for calls that ended (Answered, Cancelled, Missed, Rejected)',
		},
		{
			displayName: 'States',
			name: 'states',
			type: 'multiOptions',
			options: callStateOptions(CALL_STATES),
			default: [],
			description: 'Start only for events in one of these call states. Empty means every state.',
		},
	],
};

export interface ChangedEventsQuery {
	/** Events that reached their state after this time (exclusive)… */
	afterMs: number;
	/** …and no later than this one (inclusive), or any time up to now when absent. */
	untilMs?: number;
	/** Calls that started before this cannot matter (default: CALL_LOOKBACK_MS before afterMs). */
	startedFromMs?: number;
	filter: EventFilter;
	/** Stops between pages once aborted; the caller must then treat the listing as incomplete. */
	signal?: AbortSignal;
}

/**
 * Lists the events whose state time lies in the window, oldest first. Pages go through the
 * transport, so they wait their turn in the credential's request quota: a long window is read
 * over several minutes instead of running into VIS's 429s.
 */
export async function listChangedEvents(
	context: VonageContext,
	query: ChangedEventsQuery,
): Promise<IDataObject[]> {
	const filterQuery: IDataObject = {
		types: 'CALL',
		order: 'ASC',
		fromDate: Math.max(0, Math.floor(query.startedFromMs ?? query.afterMs - CALL_LOOKBACK_MS)),
	};
	// A call cannot change state before it started, so nothing that started after the window matters.
	if (query.untilMs !== undefined) filterQuery.toDate = Math.floor(query.untilMs);
	if (query.filter.direction && query.filter.direction !== 'ANY')
		filterQuery.direction = query.filter.direction;
	const states = query.filter.finalStatesOnly
		? FINAL_CALL_STATES.filter(
				(state) => !query.filter.states?.length || query.filter.states.includes(state),
			)
		: (query.filter.states ?? []);
	if (states.length) filterQuery.states = states.join(',');
	const listed = await visPaginate(context, '/self/events', filterQuery, {
		returnAll: true,
		limit: 0,
		requireList: true,
		signal: query.signal,
	});
	return listed
		.filter((event) => {
			const time = stateTime(event);
			return (
				time > query.afterMs &&
				(query.untilMs === undefined || time <= query.untilMs) &&
				isWanted(event, query.filter)
			);
		})
		.sort((a, b) => stateTime(a) - stateTime(b) || String(a.id).localeCompare(String(b.id)));
}

/** The item both VIS triggers output for an event, whichever way it came. */
export function eventItem(
	event: IDataObject,
	source: EventSource,
	extra: IDataObject = {},
): IDataObject {
	return { ...event, ...extra, source, eventKey: eventKey(event) };
}

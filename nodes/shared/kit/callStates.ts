/**
 * Call states VIS knows, shared by the VIS node (filters) and the VIS triggers (state pickers);
 * only the first five describe calls that are still going on.
 */
export const CALL_STATES = [
	'INITIALIZING',
	'RINGING',
	'ACTIVE',
	'HELD',
	'REMOTE_HELD',
	'DETACHED',
	'REJECTED',
	'CANCELLED',
	'ANSWERED',
	'MISSED',
] as const;
export const ACTIVE_CALL_STATES = CALL_STATES.slice(0, 5);

/** Options for a call-state picker: "REMOTE_HELD" is shown as "Remote Held". */
export function callStateOptions(states: readonly string[]) {
	return states.map((state) => ({
		name: state
			.split('_')
			.map((word) => word[0] + word.slice(1).toLowerCase())
			.join(' '),
		value: state,
	}));
}

/**
 * Statuses of a Vonage Voice API call, as GET /v1/calls filters by them and as the Voice
 * Trigger's Statuses filter offers them. "human" is only ever an event (machine detection found
 * a person), so only the event list has it.
 */
export const VOICE_CALL_STATUSES = [
	'started',
	'ringing',
	'answered',
	'machine',
	'completed',
	'busy',
	'cancelled',
	'failed',
	'rejected',
	'timeout',
	'unanswered',
] as const;
/** What Voice reports to an application's event_url: a call's status, or "human". */
export const VOICE_EVENT_STATUSES = [
	...VOICE_CALL_STATUSES.slice(0, 4),
	'human',
	...VOICE_CALL_STATUSES.slice(4),
] as const;

/** Options for a Voice status picker: "cancelled" is shown as "Cancelled". */
export function voiceStatusOptions(statuses: readonly string[]) {
	return statuses.map((status) => ({
		name: status.charAt(0).toUpperCase() + status.slice(1),
		value: status,
	}));
}

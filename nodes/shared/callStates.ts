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

/** What both triggers' catch-ups share: their window option's bounds and where a cursor may move. */

/** Catch-Up Window (Hours): the default, and the most either trigger reads back. */
export const DEFAULT_CATCH_UP_HOURS = 24;
export const MAX_CATCH_UP_HOURS = 168;

/** The window in milliseconds, held to its bounds whatever the parameter holds. */
export function catchUpWindowMs(hours: unknown): number {
	// Only a number (or numeric text) chooses: an expression that yields null, '' or true would
	// otherwise read as 0 or 1 and turn catch-up off or nearly off without anyone asking.
	const value =
		typeof hours === 'number' || (typeof hours === 'string' && hours.trim() !== '')
			? Number(hours)
			: Number.NaN;
	if (Number.isNaN(value)) return DEFAULT_CATCH_UP_HOURS * 3_600_000;
	return Math.min(Math.max(value, 0), MAX_CATCH_UP_HOURS) * 3_600_000;
}

/**
 * Where a catch-up may resume: after the last event whose execution n8n confirmed, and before
 * the first it did not. Events that share a time move together, since a cursor excludes its own
 * time. Undefined while nothing can be passed yet.
 */
export function confirmedUntil(times: number[], confirmed: boolean[]): number | undefined {
	let first = confirmed.indexOf(false);
	if (first === -1) first = times.length;
	for (let last = first - 1; last >= 0; last--)
		if (first === times.length || times[last] < times[first]) return times[last];
	return undefined;
}

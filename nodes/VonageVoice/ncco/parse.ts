import type { IDataObject } from 'n8n-workflow';

/**
 * Far above any real NCCO (a talk action's text is at most 1,500 characters), and small enough
 * that a runaway expression is refused here instead of being sent.
 */
export const MAX_NCCO_BYTES = 100 * 1024;
export const MAX_NCCO_ACTIONS = 100;

/** An NCCO must be a non-empty array of objects that each name an action. */
export function parseNcco(raw: unknown): IDataObject[] | string {
	let ncco: unknown = raw;
	const size = Buffer.byteLength(typeof raw === 'string' ? raw : JSON.stringify(raw ?? null));
	if (size > MAX_NCCO_BYTES) return `${size} bytes; at most ${MAX_NCCO_BYTES} are accepted`;
	if (typeof raw === 'string') {
		try {
			ncco = JSON.parse(raw);
		} catch (error) {
			return `not valid JSON (${(error as Error).message})`;
		}
	}
	if (!Array.isArray(ncco) || ncco.length === 0)
		return 'expected a non-empty JSON array of actions';
	if (ncco.length > MAX_NCCO_ACTIONS)
		return `${ncco.length} actions; at most ${MAX_NCCO_ACTIONS} are accepted`;
	const bad = ncco.findIndex(
		(action) => !action || typeof action !== 'object' || typeof action.action !== 'string',
	);
	if (bad >= 0) return `item ${bad} is not an object with an "action" string`;
	return ncco as IDataObject[];
}

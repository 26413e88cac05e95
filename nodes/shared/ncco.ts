import type { IDataObject } from 'n8n-workflow';

/** An NCCO must be a non-empty array of objects that each name an action. */
export function parseNcco(raw: unknown): IDataObject[] | string {
	let ncco: unknown = raw;
	if (typeof raw === 'string') {
		try {
			ncco = JSON.parse(raw);
		} catch (error) {
			return `not valid JSON (${(error as Error).message})`;
		}
	}
	if (!Array.isArray(ncco) || ncco.length === 0) return 'expected a non-empty JSON array of actions';
	const bad = ncco.findIndex((action) => !action || typeof action !== 'object' || typeof action.action !== 'string');
	if (bad >= 0) return `item ${bad} is not an object with an "action" string`;
	return ncco as IDataObject[];
}

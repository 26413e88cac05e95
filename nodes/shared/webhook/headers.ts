import type { IDataObject } from 'n8n-workflow';

/** One request header as text: Node gives arrays for repeated headers, of which the first counts. */
export function firstHeader(headers: IDataObject, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

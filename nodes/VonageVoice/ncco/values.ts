import type { IDataObject } from 'n8n-workflow';

import { normalizePhoneNumber } from '../../shared/kit/phoneNumber';
import { FieldError } from '../../shared/kit/validation';

/**
 * Reading and checking the values of an Actions entry, for every NCCO action. A check that
 * fails throws a FieldError with the label it is given ("Actions → 2 (Talk) → Text").
 */

/** A value of a text field, trimmed; numbers arrive as numbers from expressions. */
export function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

export function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/** A list from an array, or from comma-separated text. */
export function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(text).filter(Boolean);
	return text(value)
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

/** The value of an entry's collection (its options or settings), `{}` when there is none. */
export function settingsOf(entry: IDataObject, name: string): IDataObject {
	return entry[name] && typeof entry[name] === 'object' ? (entry[name] as IDataObject) : {};
}

/** Copies the boolean options that were set, in the order given, as true or false. */
export function copyFlags(target: IDataObject, settings: IDataObject, names: string[]): void {
	for (const name of names) {
		if (settings[name] !== undefined) target[name] = settings[name] === true;
	}
}

export function checkMethod(label: string, value: unknown): string {
	const method = text(value).toUpperCase();
	if (method !== 'GET' && method !== 'POST')
		throw new FieldError(label, `expected GET or POST, got "${text(value)}"`);
	return method;
}

export function checkLanguage(label: string, value: unknown): string {
	const language = text(value);
	if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language))
		throw new FieldError(label, `expected a BCP-47 language code such as en-US, got "${language}"`);
	return language;
}

/** A phone number as an NCCO takes it: international digits without the leading +. */
export function checkPhoneNumber(label: string, value: unknown): string {
	const number = normalizePhoneNumber(value);
	if (!number)
		throw new FieldError(label, `expected a phone number of 7 to 15 digits, got "${text(value)}"`);
	return number.replace(/^\+/, '');
}

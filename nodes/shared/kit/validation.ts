/**
 * Checks of user input shared by the nodes. Bad input is reported one way: a FieldError naming
 * the field and saying what was expected. The operation router (router.ts) is the one place that
 * turns it into the item's NodeOperationError.
 */
export class FieldError extends Error {
	constructor(
		readonly field: string,
		expected: string,
		/** Shown under the message in n8n: how to fix it. */
		readonly description?: string,
	) {
		super(`${field}: ${expected}`);
	}
}

export function checkUrl(
	label: string,
	value: unknown,
	protocols: string[] = ['http:', 'https:'],
): string {
	const text = String(value ?? '').trim();
	try {
		if (protocols.includes(new URL(text).protocol)) return text;
	} catch {
		// Not a URL at all: the error below says what was expected.
	}
	// SIP URIs have no slashes after the scheme (sip:alice@example.com).
	const expected = protocols
		.map((protocol) => (protocol.startsWith('sip') ? protocol : `${protocol}//`))
		.join(' or ');
	throw new FieldError(label, `expected an address starting with ${expected}, got "${text}"`);
}

/** An n8n date-time parameter as epoch milliseconds. */
export function checkDateTime(label: string, value: unknown): number {
	const millis = typeof value === 'number' ? value : Date.parse(String(value));
	if (!Number.isFinite(millis))
		throw new FieldError(label, `expected a date and time, got "${String(value)}"`);
	return millis;
}

export function checkWholeNumber(
	label: string,
	value: unknown,
	min: number,
	max: number,
	unit = '',
): number {
	const number = Number(value);
	if (!Number.isInteger(number) || number < min || number > max) {
		throw new FieldError(
			label,
			`expected a whole number from ${min} to ${max}${unit ? ` ${unit}` : ''}, got ${String(value)}`,
		);
	}
	return number;
}

export function checkNumberInRange(
	label: string,
	value: unknown,
	min: number,
	max: number,
): number {
	const number = Number(value);
	if (value === '' || value === null || !Number.isFinite(number) || number < min || number > max) {
		throw new FieldError(label, `expected a number from ${min} to ${max}, got ${String(value)}`);
	}
	return number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Voice call UUIDs, as Create Call and the event webhooks give them. */
export function checkCallUuid(label: string, value: unknown): string {
	const text = String(value ?? '').trim();
	if (!UUID.test(text))
		throw new FieldError(
			label,
			`expected a call UUID such as 63f61863-4a51-4f6b-86e1-46edebcf9356, got "${text}"`,
		);
	return text;
}

/** DTMF digits Voice can play: 0-9, *, # and p (a 500 ms pause). */
export function checkDtmfDigits(label: string, value: unknown): string {
	const text = String(value ?? '').trim();
	if (!/^[0-9*#p]{1,100}$/.test(text)) {
		throw new FieldError(label, `expected 1 to 100 of 0-9, *, # and p (a pause), got "${text}"`);
	}
	return text;
}

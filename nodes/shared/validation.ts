/**
 * Checks of user input shared by the nodes. They throw FieldError with a message that names
 * the field and says what was expected; callers turn it into a NodeOperationError.
 */
export class FieldError extends Error {}

export function checkUrl(label: string, value: unknown, protocols: string[] = ['http:', 'https:']): string {
	const text = String(value ?? '').trim();
	try {
		if (protocols.includes(new URL(text).protocol)) return text;
	} catch {}
	// SIP URIs have no slashes after the scheme (sip:alice@example.com).
	const expected = protocols.map((protocol) => (protocol.startsWith('sip') ? protocol : `${protocol}//`)).join(' or ');
	throw new FieldError(`${label}: expected an address starting with ${expected}, got "${text}"`);
}

export function checkWholeNumber(label: string, value: unknown, min: number, max: number, unit = ''): number {
	const number = Number(value);
	if (!Number.isInteger(number) || number < min || number > max) {
		throw new FieldError(`${label}: expected a whole number from ${min} to ${max}${unit ? ` ${unit}` : ''}, got ${String(value)}`);
	}
	return number;
}

/**
 * Secrets never leave the node, even when an upstream echoes them back in an error body: every
 * known secret value, and the forms it travels in (base64 as in HTTP Basic, URL- and
 * form-encoded as in a token request), is replaced before the text goes into an error.
 */
const HIDDEN = '**hidden**';
/** Shorter values are too likely to occur by chance in ordinary text to be replaced safely. */
const MIN_SECRET_LENGTH = 4;

export function secretForms(secrets: Array<string | undefined>): string[] {
	const forms = new Set<string>();
	const values = secrets.filter(
		(value): value is string => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH,
	);
	for (const value of values) {
		forms.add(value);
		forms.add(Buffer.from(value).toString('base64'));
		forms.add(Buffer.from(value).toString('base64url'));
		forms.add(encodeURIComponent(value));
		forms.add(new URLSearchParams({ v: value }).toString().slice(2));
		forms.add(JSON.stringify(value).slice(1, -1));
	}
	// Longest first, so a secret inside a longer one is not replaced piecemeal.
	return [...forms]
		.filter((form) => form.length >= MIN_SECRET_LENGTH)
		.sort((a, b) => b.length - a.length);
}

function redactText(text: string, forms: string[]): string {
	let out = text;
	for (const form of forms) if (out.includes(form)) out = out.split(form).join(HIDDEN);
	return out;
}

/** A deep copy of strings, arrays and objects with every secret form replaced. */
export function redactSecrets<T>(value: T, forms: string[]): T {
	if (forms.length === 0) return value;
	if (typeof value === 'string') return redactText(value, forms) as T;
	if (Array.isArray(value)) return value.map((entry) => redactSecrets(entry, forms)) as T;
	if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [
				redactText(key, forms),
				redactSecrets(entry, forms),
			]),
		) as T;
	}
	return value;
}

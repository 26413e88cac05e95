/**
 * Phone numbers as VIS dials them: digits with an optional leading +, 7 to 15 digits (E.164
 * allows at most 15). Spaces, dashes, dots and brackets that people paste are dropped.
 * Returns undefined when the value is not a dialable number.
 */
export function normalizePhoneNumber(value: unknown): string | undefined {
	const compact = String(value ?? '').replace(/[\s\-().]/g, '');
	return /^\+?\d{7,15}$/.test(compact) ? compact : undefined;
}

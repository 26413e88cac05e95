/**
 * Builds an API path from a template, escaping every interpolated id so that user input
 * can never change which resource is addressed (`../x` becomes `..%2Fx`).
 * `.` and `..` are refused outright: URL parsers resolve them even when they stand alone.
 */
export class UnsafePathSegmentError extends Error {}

/** Why a value cannot address one resource, or undefined when it can. */
export function unsafePathSegmentReason(value: unknown): string | undefined {
	const text = String(value ?? '').trim();
	if (text === '' || text === '.' || text === '..') {
		return `expected a non-empty ID, got ${text === '' ? 'an empty value' : `"${text}"`}`;
	}
	return undefined;
}

export function escapePathSegment(value: unknown): string {
	const reason = unsafePathSegmentReason(value);
	if (reason) throw new UnsafePathSegmentError(reason);
	return encodeURIComponent(String(value ?? '').trim());
}

export function apiPath(strings: TemplateStringsArray, ...ids: unknown[]): string {
	return strings.reduce(
		(path, part, index) => path + part + (index < ids.length ? escapePathSegment(ids[index]) : ''),
		'',
	);
}

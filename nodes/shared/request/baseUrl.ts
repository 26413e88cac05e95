/** A Base URL a credential holds that cannot be used; the message says what was expected. */
export class BaseUrlError extends Error {}

/**
 * The credential's Base URL without trailing slashes, or the default. Only plain http(s) origins
 * (with an optional path) are accepted: no other scheme, no user:password@, no query or fragment,
 * so a typo can never send a credential somewhere unexpected.
 */
export function checkedBaseUrl(raw: unknown, fallback: string): string {
	const text = String(raw ?? '').trim() || fallback;
	if (!URL.canParse(text))
		throw new BaseUrlError(`expected a URL such as ${fallback}, got "${text.slice(0, 200)}"`);
	const url = new URL(text);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new BaseUrlError(
			`expected an http:// or https:// URL such as ${fallback}, got the scheme "${url.protocol}"`,
		);
	}
	if (!url.hostname || url.username || url.password || url.search || url.hash) {
		throw new BaseUrlError(
			`expected only a scheme, host and optional path such as ${fallback}, got "${text.slice(0, 200)}"`,
		);
	}
	return text.replace(/\/+$/, '');
}

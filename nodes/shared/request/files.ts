import { FieldError } from '../kit/validation';

/** What is used of a download's body stream (a Node.js Readable from n8n's HTTP helper). */
export interface BodyStream {
	on(event: 'data', listener: (chunk: Buffer) => void): unknown;
	on(event: 'newListener', listener: (event: string | symbol) => void): unknown;
	off(event: 'newListener', listener: (event: string | symbol) => void): unknown;
	destroy(error?: Error): unknown;
}

/**
 * Vonage's own API hosts, the only hosts a URL taken from a payload (a record event's
 * recording_url, a transcription event's transcription_url) may name before the application JWT
 * is sent to it: the global host, its regional aliases, and the regional Voice hosts the
 * Application API's voice regions name (na-east api-us-3, na-west api-us-4, eu-west api-eu-3,
 * eu-east api-eu-4, apac-sng api-ap-3, apac-australia api-ap-4). Exact names, never suffixes:
 * "api.nexmo.com.evil.example" and "evil-api.nexmo.com" are other hosts.
 */
export const VONAGE_API_HOSTS: readonly string[] = [
	'api.nexmo.com',
	'api-us.nexmo.com',
	'api-eu.nexmo.com',
	'api-ap.nexmo.com',
	'api-us-3.vonage.com',
	'api-us-4.vonage.com',
	'api-eu-3.vonage.com',
	'api-eu-4.vonage.com',
	'api-ap-3.vonage.com',
	'api-ap-4.vonage.com',
];

/** Recordings of a two-hour call are tens of MB as MP3; larger files need the limit raised. */
export const DEFAULT_MAX_DOWNLOAD_MB = 100;

/**
 * The URL a payload named, if the JWT may be sent there: https to one of Vonage's API hosts, or
 * the very origin (scheme, host and port) of the credential's Base URL (a proxy, or the sandbox).
 * Refusals name the host. No user:password@ part: it would hide the real host from a reader.
 */
export function checkVonageFileUrl(label: string, raw: unknown, baseUrl: string): URL {
	const text = String(raw ?? '').trim();
	if (!URL.canParse(text))
		throw new FieldError(
			label,
			`expected the URL from a Vonage event, such as https://api.nexmo.com/v1/files/…, got "${text.slice(0, 200)}"`,
		);
	const url = new URL(text);
	if (url.username || url.password) {
		throw new FieldError(
			label,
			`refused: the URL carries a user name or password before its host ${url.host}; the application's JWT is sent only to Vonage's API hosts`,
		);
	}
	const base = new URL(baseUrl);
	if (url.origin === base.origin) return url;
	if (
		url.protocol === 'https:' &&
		url.port === '' &&
		VONAGE_API_HOSTS.includes(url.hostname.toLowerCase())
	)
		return url;
	const host = url.host || text.slice(0, 100);
	throw new FieldError(
		label,
		`refused the host ${host}: the application's JWT is sent only over https to Vonage's API hosts (${VONAGE_API_HOSTS.join(', ')}) or to the credential's Base URL (${base.host})`,
		'Pass the recording_url or transcription_url exactly as the Vonage event carries it.',
	);
}

/** The limit of a download, from a field in MB; errors name the field. */
export function maxBytesOf(label: string, megabytes: unknown): number {
	const mb =
		megabytes === undefined || megabytes === '' ? DEFAULT_MAX_DOWNLOAD_MB : Number(megabytes);
	if (!Number.isFinite(mb) || mb <= 0 || mb > 10_240)
		throw new FieldError(label, `expected a size in MB from 1 to 10240, got ${String(megabytes)}`);
	return Math.round(mb * 1024 * 1024);
}

export class DownloadTooLargeError extends Error {}

/**
 * Fails a download once more than `maxBytes` arrived: a server that sends no Content-Length (or a
 * wrong one) is cut off here, never buffered whole. The counter starts listening when the reader
 * does (n8n's binary helpers pipe the stream or listen to 'data'; a transcript is read with
 * read(), which also emits 'data'), so no chunk flows before the reader is there to take it.
 * (n8n Cloud's rules allow no node:stream import, so there is no Transform here.)
 */
export function limitBytes<T extends BodyStream>(stream: T, maxBytes: number, what: string): T {
	let seen = 0;
	const count = (chunk: Buffer) => {
		seen += chunk.length;
		if (seen > maxBytes) {
			stream.destroy(
				new DownloadTooLargeError(
					`${what} is larger than the limit of ${formatBytes(maxBytes)}; nothing more was read. Raise Options → Max Size (MB) to download it.`,
				),
			);
		}
	};
	const onReader = (event: string | symbol) => {
		if (event !== 'data' && event !== 'readable') return;
		stream.off('newListener', onReader);
		stream.on('data', count);
	};
	stream.on('newListener', onReader);
	return stream;
}

export function formatBytes(bytes: number): string {
	return bytes >= 1024 * 1024
		? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
		: `${bytes} bytes`;
}

import type { IHttpRequestOptions } from 'n8n-workflow';

/** A bare fetch in the shape of n8n's httpRequest with returnFullResponse, for token-cache tests and the bench floor. */
export async function fetchAsHttpRequest(
	options: IHttpRequestOptions,
): Promise<{ statusCode: number; body: unknown }> {
	const response = await fetch(options.url, {
		method: options.method,
		headers: options.headers as Record<string, string>,
		body: options.body as string,
	});
	return { statusCode: response.status, body: await response.json() };
}

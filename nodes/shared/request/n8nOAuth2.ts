import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { ssrfBlock } from './errors';
import { withDeadline } from './retry';
import { VIS_CODE_GRANT_CREDENTIAL } from '../auth/requestAuth';
import type { Outcome } from './exchange';
import type { VonageContext } from './transport';

/** One attempt through n8n's OAuth2 helper within the deadline, never following a redirect. */
export async function sendWithN8nOAuth2(
	context: VonageContext,
	options: IHttpRequestOptions,
	deadlineMs: number,
): Promise<Outcome> {
	return await withDeadline(
		deadlineMs,
		async () =>
			await sendThroughHelper(context, {
				...options,
				headers: { ...options.headers },
				disableFollowRedirect: true,
				timeout: deadlineMs,
			}),
	);
}

/** What is read of an error from n8n's OAuth2 helper: an axios error, or one wrapping it. */
interface HelperError {
	code?: unknown;
	isAxiosError?: unknown;
	response?: { status?: unknown; headers?: IDataObject; data?: unknown };
}

/**
 * Sends through n8n's OAuth2 helper, which signs with the stored token and, on a 401, refreshes it
 * and retries once (persisting the new tokens). That helper throws on every HTTP error status, so
 * HTTP errors are turned back into responses for the shared retry and error mapping. Errors
 * without a response that n8n raised itself (credential not connected, needs reconnecting) mean
 * nothing was sent.
 */
async function sendThroughHelper(
	context: VonageContext,
	options: IHttpRequestOptions,
): Promise<Outcome> {
	try {
		return {
			response: await context.helpers.httpRequestWithAuthentication.call(
				context,
				VIS_CODE_GRANT_CREDENTIAL,
				options,
			),
		};
	} catch (error) {
		const cause = ((error as { cause?: HelperError } | undefined)?.cause ?? error) as
			HelperError | undefined;
		const response = cause?.response;
		if (response && typeof response.status === 'number') {
			return {
				response: {
					statusCode: response.status,
					headers: response.headers ?? {},
					body: response.data,
				},
			};
		}
		if (typeof cause?.code === 'string' || cause?.isAxiosError || ssrfBlock(error))
			return { failed: cause };
		return { notSent: error as Error };
	}
}

import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { checkedBaseUrl } from './baseUrl';
import { baseUrlError, requestErrors, secretsOf } from './errors';
import {
	authorizationFor,
	bearerOf,
	credentialTypeFor,
	VIS_CODE_GRANT_CREDENTIAL,
	type FullResponse,
	type Send,
	type VonageApi,
} from '../auth/requestAuth';
import { DeadlineError, deadlineFor, mayResend, retryPolicy, withDeadline } from './retry';
import { checkVonageFileUrl, type BodyStream } from './files';
import { DEFAULT_VIS_REQUESTS_PER_MINUTE, takeVisTurn, visQuotaKey } from './visQuota';
import { visHost, VIS_API_PATH } from '../auth/visToken';
import { sendWithN8nOAuth2 } from './n8nOAuth2';
import type { VonageContext, VonageFile, VonageRequest } from './transport';

export const DEFAULT_NEXMO_HOST = 'https://api.nexmo.com';

/** One attempt: an answer, a failure to connect, or (VIS OAuth2) n8n refusing to sign. */
export type Outcome = { response: FullResponse } | { notSent: Error } | { failed: unknown };

export type Exchange = Awaited<ReturnType<typeof openExchange>>;

/** Everything one request needs across its attempts: credential, URL, auth, deadline, errors. */
export async function openExchange(context: VonageContext, request: VonageRequest) {
	const { api, method, path, query, body, itemIndex } = request;
	// n8n deep-copies the node on every getNode(), so it is fetched only to report an error.
	const node = () => context.getNode();
	const credentialType = credentialTypeFor(node, api);
	const credentials = await context.getCredentials(credentialType, itemIndex);
	let url: string;
	try {
		url = hostFor(api, credentials) + path;
	} catch (error) {
		// hostFor throws only BaseUrlError.
		throw baseUrlError(node(), credentialType, error as Error, itemIndex);
	}
	const file = request.file;
	// Checked before anything is signed or sent: a payload chooses this URL, not the user.
	if (file) url = checkVonageFileUrl(file.label, file.url, hostFor(api, credentials)).href;
	const viaN8nOAuth2 = credentialType === VIS_CODE_GRANT_CREDENTIAL;
	const deadlineMs = deadlineFor(context, itemIndex);
	let authorization = '';
	let rejectedToken: string | undefined;
	const errors = requestErrors(node, new URL(url).host, itemIndex, () =>
		secretsOf(credentials, authorization),
	);
	// Redirects are never followed: a Vonage endpoint has no reason to send one, and following it
	// would carry the Authorization header (or a POST body) to wherever it points.
	const sendWithDeadline: Send = async (options) =>
		await withDeadline(
			deadlineMs,
			async (signal) =>
				await context.helpers.httpRequest({
					...options,
					disableFollowRedirect: true,
					timeout: deadlineMs,
					abortSignal: signal,
				}),
		);
	const options: IHttpRequestOptions = file
		? {
				method: 'GET',
				url,
				json: false,
				encoding: 'stream',
				headers: { Accept: '*/*' },
				returnFullResponse: true,
			}
		: {
				method,
				url,
				qs: query,
				body,
				json: true,
				headers: { Accept: 'application/json' },
				returnFullResponse: true,
			};
	// A file's deadline covers its answer, not its body: a long recording may take longer to arrive
	// than any answer should. Its body is bounded by size and by the socket going idle (timeout).
	const sendFile = async (sent: IHttpRequestOptions): Promise<FullResponse> => {
		const controller = new AbortController();
		const deadline = AbortSignal.timeout(deadlineMs);
		let answered = false;
		const onDeadline = () => {
			if (!answered) controller.abort();
		};
		deadline.addEventListener('abort', onDeadline, { once: true });
		try {
			const response = await context.helpers.httpRequest({
				...sent,
				disableFollowRedirect: true,
				timeout: deadlineMs,
				abortSignal: controller.signal,
			});
			answered = true;
			return response;
		} catch (error) {
			throw controller.signal.aborted
				? new DeadlineError(`no answer within ${Math.round(deadlineMs / 1000)} s`)
				: error;
		} finally {
			deadline.removeEventListener('abort', onDeadline);
		}
	};
	const quotaKey =
		api === 'vis'
			? visQuotaKey([
					url.slice(0, url.length - path.length),
					credentials.consumerKey ?? credentials.clientId,
					credentials.username ?? '',
				])
			: '';

	return {
		api,
		url,
		errors,
		notFoundIsUndefined: request.notFoundIsUndefined === true,
		resendable: mayResend(method, request.actsOnCall),
		file,
		/** n8n's OAuth2 helper already re-authenticates once on 401. */
		reauthenticated: viaN8nOAuth2,
		log: (message: string) => context.logger.info(message),

		/** Sets the Authorization header (n8n signs OAuth2 requests itself). */
		async authorize() {
			if (viaN8nOAuth2) return;
			try {
				authorization = await authorizationFor(api, credentials, rejectedToken, sendWithDeadline);
			} catch (error) {
				throw errors.signIn(error);
			}
		},

		/** Waits for the credential's VIS quota, shared by every process of this n8n. */
		async takeQuotaTurn() {
			if (!quotaKey) return;
			const perMinute = Number(credentials.requestsPerMinute);
			try {
				await takeVisTurn(quotaKey, perMinute, retryPolicy, (ms) =>
					context.logger.info(
						`Vonage VIS: waiting ${Math.ceil(ms / 1000)} s for the credential's request quota (${perMinute || DEFAULT_VIS_REQUESTS_PER_MINUTE} per minute)`,
					),
				);
			} catch (error) {
				throw errors.quotaWait(error);
			}
		},

		/** One attempt within its deadline. */
		async send(): Promise<Outcome> {
			try {
				if (viaN8nOAuth2) {
					return await withDeadline(
						deadlineMs,
						async () =>
							await sendWithN8nOAuth2(context, {
								...options,
								headers: { ...options.headers },
								disableFollowRedirect: true,
								timeout: deadlineMs,
							}),
					);
				}
				const signed = {
					...options,
					headers: { ...options.headers, Authorization: authorization },
					ignoreHttpStatusErrors: true,
				};
				if (!file) return { response: await sendWithDeadline(signed) };
				const response = await sendFile(signed);
				// An error answer (or a redirect) is read, bounded, for its message; only a success streams on.
				if (response.statusCode >= 300) response.body = await errorBodyOf(response.body);
				return { response };
			} catch (error) {
				return { failed: error };
			}
		},

		/** The token just refused (401) is not used again. */
		forgetToken() {
			rejectedToken = bearerOf(authorization);
		},
	};
}

/** At most 64 KB of an error answer's stream, as JSON when it is JSON. */
async function errorBodyOf(body: unknown): Promise<unknown> {
	if (!body || typeof (body as BodyStream).on !== 'function') return body;
	const stream = body as VonageFile['body'];
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of stream) {
			chunks.push(Buffer.from(chunk as Buffer));
			size += (chunk as Buffer).length;
			if (size >= 64 * 1024) break;
		}
	} catch {
		// What arrived is enough to word the error.
	} finally {
		stream.destroy();
	}
	const text = Buffer.concat(chunks)
		.toString('utf8')
		.slice(0, 64 * 1024);
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function hostFor(api: VonageApi, credentials: IDataObject): string {
	if (api === 'vis') return visHost(credentials) + VIS_API_PATH;
	return checkedBaseUrl(credentials.baseUrl, DEFAULT_NEXMO_HOST);
}

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
import { deadlineFor, mayResend, withDeadline } from './retry';
import { sendForFile } from './download';
import { checkVonageFileUrl } from './files';
import { DEFAULT_VIS_REQUESTS_PER_MINUTE, systemClock, takeVisTurn, visQuotaKey } from './visQuota';
import { visHost, VIS_API_PATH } from '../auth/visToken';
import { sendWithN8nOAuth2 } from './n8nOAuth2';
import type { VonageContext, VonageRequest } from './transport';

export const DEFAULT_NEXMO_HOST = 'https://api.nexmo.com';

/** One attempt: an answer, a failure to connect, or (VIS OAuth2) n8n refusing to sign. */
export type Outcome = { response: FullResponse } | { notSent: Error } | { failed: unknown };

export type Exchange = Awaited<ReturnType<typeof openExchange>>;

/** Everything one request needs across its attempts: credential, URL, auth, deadline, errors. */
export async function openExchange(context: VonageContext, request: VonageRequest) {
	const { api, method, itemIndex, file } = request;
	// n8n deep-copies the node on every getNode(), so it is fetched only to report an error.
	const node = () => context.getNode();
	const credentialType = credentialTypeFor(node, api);
	const credentials = await context.getCredentials(credentialType, itemIndex);
	const url = urlFor(request, credentials, (error) =>
		baseUrlError(node(), credentialType, error, itemIndex),
	);
	const viaN8nOAuth2 = credentialType === VIS_CODE_GRANT_CREDENTIAL;
	const deadlineMs = deadlineFor(context, itemIndex);
	let authorization = '';
	let rejectedToken: string | undefined;
	const errors = requestErrors(node, new URL(url).host, itemIndex, () =>
		secretsOf(credentials, authorization),
	);
	const sendWithDeadline: Send = async (options) => await sendWithin(context, deadlineMs, options);
	const options = optionsFor(request, url);
	const quotaKey = quotaKeyFor(request, url, credentials);

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
				await takeVisTurn(quotaKey, perMinute, systemClock, (ms) =>
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
				if (viaN8nOAuth2) return await sendWithN8nOAuth2(context, options, deadlineMs);
				const signed = {
					...options,
					headers: { ...options.headers, Authorization: authorization },
					ignoreHttpStatusErrors: true,
				};
				if (!file) return { response: await sendWithDeadline(signed) };
				return { response: await sendForFile(context, deadlineMs, signed) };
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

/**
 * The credential's host and the request's path, or the file a Vonage event named, checked before
 * anything is signed or sent: a payload chooses that URL, not the user.
 */
function urlFor(
	request: VonageRequest,
	credentials: IDataObject,
	baseUrlError: (error: Error) => Error,
): string {
	let host: string;
	try {
		host = hostFor(request.api, credentials);
	} catch (error) {
		// hostFor throws only BaseUrlError.
		throw baseUrlError(error as Error);
	}
	const { file } = request;
	return file ? checkVonageFileUrl(file.label, file.url, host).href : host + request.path;
}

/** A file is a GET of the URL the event named, as a stream; anything else is JSON both ways. */
function optionsFor(request: VonageRequest, url: string): IHttpRequestOptions {
	if (request.file)
		return {
			method: 'GET',
			url,
			json: false,
			encoding: 'stream',
			headers: { Accept: '*/*' },
			returnFullResponse: true,
		};
	return {
		method: request.method,
		url,
		qs: request.query,
		body: request.body,
		json: true,
		headers: { Accept: 'application/json' },
		returnFullResponse: true,
	};
}

/** VIS requests are paced per API host, application and user; other APIs are not. */
function quotaKeyFor(request: VonageRequest, url: string, credentials: IDataObject): string {
	if (request.api !== 'vis') return '';
	return visQuotaKey([
		url.slice(0, url.length - request.path.length),
		credentials.consumerKey ?? credentials.clientId,
		credentials.username ?? '',
	]);
}

/**
 * One send within the deadline. Redirects are never followed: a Vonage endpoint has no reason to
 * send one, and following it would carry the Authorization header (or a POST body) to wherever it
 * points.
 */
async function sendWithin(
	context: VonageContext,
	deadlineMs: number,
	options: IHttpRequestOptions,
): Promise<FullResponse> {
	return await withDeadline(
		deadlineMs,
		async (signal) =>
			await context.helpers.httpRequest({
				...options,
				disableFollowRedirect: true,
				timeout: deadlineMs,
				abortSignal: signal,
			}),
	);
}

function hostFor(api: VonageApi, credentials: IDataObject): string {
	if (api === 'vis') return visHost(credentials) + VIS_API_PATH;
	return checkedBaseUrl(credentials.baseUrl, DEFAULT_NEXMO_HOST);
}

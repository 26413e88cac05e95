import { createHash } from 'node:crypto';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { checkedBaseUrl } from '../request/baseUrl';

export interface VisCredentialFields {
	baseUrl?: string;
	consumerKey: string;
	consumerSecret: string;
	username: string;
	password: string;
}

/** What a token request reads of n8n's full response (`returnFullResponse`). */
export interface TokenHttpResponse {
	statusCode: number;
	body?: unknown;
}

export type HttpRequest = (options: IHttpRequestOptions) => Promise<TokenHttpResponse>;

/** The fields of an OAuth2 token answer, each checked before use: an error page has none of them. */
interface TokenAnswer {
	access_token?: unknown;
	refresh_token?: unknown;
	expires_in?: unknown;
	error?: unknown;
	error_description?: unknown;
}

export const DEFAULT_VIS_HOST = 'https://api.vonage.com';
export const VIS_API_PATH = '/t/vbc.prod/vis/v1';
/** Tokens live 24 h; replacing them five minutes early keeps long Return All runs from dying mid-way. */
export const VIS_TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

export class VisSignInError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(message);
	}
}

interface TokenSet {
	accessToken: string;
	refreshToken?: string;
	expiresAt: number;
}

const tokens = new Map<string, TokenSet>();
const pending = new Map<string, Promise<TokenSet>>();

/** Throws BaseUrlError when the credential's Base URL is not a plain http(s) URL. */
export function visHost(fields: { baseUrl?: unknown }): string {
	return checkedBaseUrl(fields.baseUrl, DEFAULT_VIS_HOST);
}

/** VIS password grants need the VBC login with the `@vbc.prod` realm, which users rarely type. */
export function visUsername(username: string): string {
	const trimmed = String(username ?? '').trim();
	return trimmed.endsWith('@vbc.prod') ? trimmed : `${trimmed}@vbc.prod`;
}

function cacheKey(fields: VisCredentialFields): string {
	return createHash('sha256')
		.update(
			JSON.stringify([
				visHost(fields),
				fields.consumerKey,
				fields.consumerSecret,
				fields.username,
				fields.password,
			]),
		)
		.digest('hex');
}

async function requestToken(
	httpRequest: HttpRequest,
	fields: VisCredentialFields,
	form: Record<string, string>,
	now: number,
): Promise<TokenSet> {
	const response = await httpRequest({
		method: 'POST',
		url: `${visHost(fields)}/token`,
		body: new URLSearchParams({
			...form,
			client_id: fields.consumerKey,
			client_secret: fields.consumerSecret,
		}).toString(),
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	});
	const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as
		TokenAnswer | null | undefined;
	if (response.statusCode >= 300 || typeof body?.access_token !== 'string') {
		const reason = body?.error_description ?? body?.error ?? `HTTP ${response.statusCode}`;
		throw new VisSignInError(
			`VIS sign-in failed (${form.grant_type} grant): ${reason}. Check the consumer key/secret and the VBC username/password in the credential.`,
			response.statusCode,
			{ error: body?.error, error_description: body?.error_description },
		);
	}
	const lifetimeSeconds = Number(body.expires_in) > 0 ? Number(body.expires_in) : 86_400;
	return {
		accessToken: body.access_token,
		refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
		expiresAt: now + lifetimeSeconds * 1000,
	};
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function passwordGrant(httpRequest: HttpRequest, fields: VisCredentialFields, now: number) {
	return requestToken(
		httpRequest,
		fields,
		{
			grant_type: 'password',
			scope: 'openid',
			username: visUsername(fields.username),
			password: fields.password,
		},
		now,
	);
}

/**
 * Returns a VIS access token shared by every request made with the same credential in this
 * process: reused until shortly before it expires, then refreshed with the refresh token,
 * falling back to a new password grant when the refresh token is refused.
 * Concurrent callers wait for one token request instead of each making their own.
 */
export async function visAccessToken(
	httpRequest: HttpRequest,
	fields: VisCredentialFields,
	options: { rejectedToken?: string; now?: number } = {},
): Promise<string> {
	const now = options.now ?? Date.now();
	const key = cacheKey(fields);
	const cached = tokens.get(key);
	const usable =
		cached &&
		cached.accessToken !== options.rejectedToken &&
		cached.expiresAt - VIS_TOKEN_REFRESH_MARGIN_MS > now;
	if (usable) return cached.accessToken;

	let inFlight = pending.get(key);
	if (!inFlight) {
		inFlight = (async () => {
			if (cached?.refreshToken) {
				try {
					return await requestToken(
						httpRequest,
						fields,
						{ grant_type: 'refresh_token', refresh_token: cached.refreshToken },
						now,
					);
				} catch {
					// Refresh tokens are single-use and expire after 7 days; a new grant is the documented remedy.
				}
			}
			return await passwordGrant(httpRequest, fields, now);
		})();
		pending.set(key, inFlight);
		inFlight
			.then(
				(token) => tokens.set(key, token),
				() => tokens.delete(key),
			)
			.finally(() => pending.delete(key));
	}
	return (await inFlight).accessToken;
}

/** For the credential test, which must prove the stored login works right now. */
export async function freshVisAccessToken(
	httpRequest: HttpRequest,
	fields: VisCredentialFields,
): Promise<string> {
	return (await passwordGrant(httpRequest, fields, Date.now())).accessToken;
}

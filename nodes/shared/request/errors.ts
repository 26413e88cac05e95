import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { PrivateKeyError } from '../auth/privateKey';
import { redactSecrets, secretForms } from './redact';
import { bearerOf, CREDENTIAL_LABEL } from '../auth/requestAuth';
import { DeadlineError } from './retry';
import { VisSignInError } from '../auth/visToken';

/** Error body shapes: VIS `{errorCode, errorMessage, errors[]}` and Nexmo RFC 7807 problems. */
interface VisErrorBody {
	errorCode?: string;
	errorMessage?: string;
	errors?: Array<{ field?: string; message?: string }>;
}
interface ProblemBody {
	type?: string;
	title?: string;
	detail?: string;
	invalid_parameters?: Array<{ name?: string; reason?: string }>;
}

const STATUS_HINTS: Record<number, string> = {
	401: 'The credentials were refused: check them in the credential settings',
	403: 'The credentials are valid but not allowed to do this',
	404: 'Not found: check the ID',
	408: 'Vonage timed out',
	429: 'Vonage rate limit reached (VIS allows about 10 requests per minute per token)',
};

function fieldList(items: Array<{ field?: string; message?: string }>): string {
	return items
		.map((item) =>
			item.field ? `${item.field}: ${item.message ?? 'invalid'}` : (item.message ?? ''),
		)
		.filter(Boolean)
		.join('; ');
}

/** Reads the API's own explanation out of an error body, naming fields where the API names them. */
export function describeApiError(
	status: number,
	body: unknown,
): { message: string; description?: string } {
	const parsed =
		typeof body === 'object' && body !== null ? (body as VisErrorBody & ProblemBody) : {};
	const fields = [
		...(Array.isArray(parsed.errors) ? parsed.errors : []),
		...(Array.isArray(parsed.invalid_parameters)
			? parsed.invalid_parameters.map((p) => ({ field: p.name, message: p.reason }))
			: []),
	];
	const headline =
		parsed.errorMessage ??
		parsed.title ??
		parsed.errorCode ??
		STATUS_HINTS[status] ??
		`HTTP ${status}`;
	const parts = [headline];
	if (parsed.detail && parsed.detail !== headline) parts.push(parsed.detail);
	const fieldText = fieldList(fields);
	if (fieldText) parts.push(fieldText);
	const description =
		STATUS_HINTS[status] && STATUS_HINTS[status] !== headline ? STATUS_HINTS[status] : undefined;
	return { message: `Vonage: ${parts.join(' — ')}`, description };
}

export function apiError(
	node: INode,
	status: number,
	body: unknown,
	itemIndex?: number,
): NodeApiError {
	const { message, description } = describeApiError(status, body);
	const response: JsonObject =
		typeof body === 'object' && body !== null ? (body as JsonObject) : { body: String(body ?? '') };
	return new NodeApiError(node, response, {
		message,
		description,
		httpCode: String(status),
		itemIndex,
	});
}

/** n8n's SSRF protection refuses some hosts; sending again would be refused again. */
export function ssrfBlock(error: unknown): Error | undefined {
	for (
		let cause = error as ErrorChain, depth = 0;
		cause && depth < 5;
		cause = cause.cause, depth++
	) {
		if (typeof cause.name === 'string' && cause.name.startsWith('SsrfBlocked'))
			return cause as Error;
	}
	return undefined;
}

/** An error and the causes it wraps, as far as they are read here: anything may be missing. */
type ErrorChain = { name?: unknown; cause?: ErrorChain } | null | undefined;

/** The values of a credential that must never appear in an error, in every form they travel in. */
export function secretsOf(credentials: IDataObject, authorization: string): string[] {
	const tokenData = (credentials.oauthTokenData ?? {}) as IDataObject;
	return secretForms([
		credentials.password,
		credentials.consumerSecret,
		credentials.clientSecret,
		credentials.apiSecret,
		credentials.signatureSecret,
		credentials.privateKey,
		tokenData.access_token,
		tokenData.refresh_token,
		bearerOf(authorization),
		`${credentials.apiKey ?? ''}:${credentials.apiSecret ?? ''}`,
		`${credentials.consumerKey ?? ''}:${credentials.consumerSecret ?? ''}`,
	] as Array<string | undefined>);
}

/** A wrong Base URL in the credential, found before anything was sent. */
export function baseUrlError(
	node: INode,
	credentialType: string,
	error: Error,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(
		node,
		`Base URL in the ${CREDENTIAL_LABEL[credentialType]} credential: ${error.message}`,
		{
			itemIndex,
			description: 'Open the credential and correct its Base URL. Nothing was sent.',
		},
	);
}

function textPreview(body: unknown): string {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
	return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** What every error of one request knows: its node, host and item, and how to hide secrets. */
interface ErrorScope {
	node: () => INode;
	host: string;
	itemIndex: number | undefined;
	hide: <T>(value: T) => T;
}

function connectionError({ node, host, itemIndex, hide }: ErrorScope, error: unknown) {
	const blocked = ssrfBlock(error);
	const message = blocked
		? `n8n's SSRF protection blocked the request to ${host} (${hide(blocked.message)}); an n8n administrator can allow the host in n8n's SSRF settings`
		: error instanceof DeadlineError
			? `Vonage at ${host} gave ${error.message}`
			: `Vonage could not be reached at ${host}: ${hide((error as Error).message)}`;
	return new NodeApiError(node(), { message } as JsonObject, { message, itemIndex });
}

/** Signing in failed: a refused VIS grant, an unusable private key, or no connection. */
function signInError(scope: ErrorScope, error: unknown): Error {
	const { node, itemIndex, hide } = scope;
	if (error instanceof VisSignInError) {
		const safe = hide({ message: error.message, body: error.body });
		return new NodeApiError(node(), safe.body as JsonObject, {
			message: safe.message,
			httpCode: String(error.status),
			itemIndex,
		});
	}
	if (error instanceof PrivateKeyError)
		return new NodeOperationError(node(), `Vonage JWT credential: ${error.message}`, {
			itemIndex,
		});
	return connectionError(scope, error);
}

/** n8n could not sign with the VIS OAuth2 credential, so nothing was sent. */
function oauth2NotSentError({ node, itemIndex }: ErrorScope, error: Error) {
	// n8n 2.41 says "Unable to sign without access token" (n8n-core alone: "not connected").
	const neverConnected = /without access token|not connected/i.test(error.message);
	return new NodeOperationError(
		node(),
		neverConnected
			? 'The Vonage VIS OAuth2 credential is not connected yet: open the credential and click Connect to sign in at Vonage'
			: `Vonage VIS OAuth2 credential: ${error.message}`,
		{
			itemIndex,
			description:
				'Open the credential and click Connect (or Reconnect) to sign in to Vonage. Nothing was sent.',
		},
	);
}

function redirectError(
	{ node, host, itemIndex }: ErrorScope,
	status: number,
	location: string,
	url: string,
) {
	let target = 'another address';
	try {
		target = new URL(location, url).host;
	} catch {
		// Not a URL: "another address" says enough.
	}
	return new NodeApiError(node(), { status } as JsonObject, {
		message: `Vonage answered HTTP ${status}, a redirect to ${target}; it was not followed, so no credential or request body left ${host}`,
		description: 'Check the Base URL in the credential: Vonage APIs do not redirect.',
		httpCode: String(status),
		itemIndex,
	});
}

/**
 * The errors of one request to one host, every secret of its credential removed: the one place
 * that words what went wrong with a request, for the transport to throw.
 */
export function requestErrors(
	node: () => INode,
	host: string,
	itemIndex: number | undefined,
	secrets: () => string[],
) {
	const hide = <T>(value: T): T => redactSecrets(value, secrets());
	const scope: ErrorScope = { node, host, itemIndex, hide };
	return {
		connection: (error: unknown) => connectionError(scope, error),
		/** The answer's own error, in Vonage's words. */
		answer: (status: number, body: unknown) => apiError(node(), status, hide(body), itemIndex),
		signIn: (error: unknown) => signInError(scope, error),
		/** The pacer fails only when its waits keep ending early (VisQuotaWaitError). */
		quotaWait: (error: unknown) =>
			new NodeOperationError(node(), `Vonage VIS: ${(error as Error).message}`, {
				itemIndex,
				description:
					"Check the credential's Requests per Minute; n8n's timers did not wait as long as asked.",
			}),
		oauth2NotSent: (error: Error) => oauth2NotSentError(scope, error),
		redirect: (status: number, location: string, url: string) =>
			redirectError(scope, status, location, url),
		/** A file larger than the download's limit: nothing more of it is read. */
		tooLarge: (message: string) =>
			new NodeOperationError(node(), message, {
				itemIndex,
				description: `Raise Options → Max Size (MB) to download it. Nothing more was read from ${host}.`,
			}),
		notJson: (status: number, contentType: string, body: unknown) =>
			new NodeApiError(node(), { status } as JsonObject, {
				message: `Vonage answered HTTP ${status} with ${contentType} that is not JSON: "${hide(textPreview(body))}"`,
				description: `Expected a JSON answer from ${host}. Check the Base URL in the credential.`,
				httpCode: String(status),
				itemIndex,
			}),
	};
}

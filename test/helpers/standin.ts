import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { sandbox, type SandboxValue } from './node';
import { slept } from './virtualWaits';

export { slept, virtualNow } from './virtualWaits';

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body: SandboxValue;
	auth?: string;
	at: number;
}

/** The stand-in (plain JavaScript, so that it also runs on its own) as the tests see it. */
export interface Standin {
	url: string;
	sandbox: Record<string, string>;
	state: SandboxValue;
	requests(filter?: { method?: string; path?: string | RegExp }): RecordedRequest[];
	failNext(count: number, status: number, options?: IDataObject): void;
	seedEvents(count: number, template?: IDataObject): void;
	makeCall(phoneNumber: string, direction?: string, state?: string): IDataObject & { id: number };
	sampleEvent(overrides?: IDataObject): IDataObject & { externalId: string };
	sampleVoiceEvent(overrides?: IDataObject): IDataObject;
	deliverVoiceEvent(
		applicationId: string,
		event: IDataObject,
		options?: IDataObject,
	): Promise<{ status: number; body: string; authorization?: string }>;
	/**
	 * Rings the application (answer_url, then fallback_answer_url). With a caller script
	 * (options.caller, see sandbox/caller.js) the NCCO runs action by action; options.wait waits for
	 * the call to end and adds its transcript (lines, transcript, webhooks, recordings).
	 */
	answerCall(
		applicationId: string,
		call?: IDataObject,
		options?: { caller?: IDataObject[]; wait?: boolean; timeoutMs?: number },
	): Promise<IDataObject>;
	/** A call run with a caller script: transcript, lines, webhook attempts, recordings. */
	transcriptOf(uuid: string): SandboxValue;
	/** Resolves when a call run with a caller script has ended (at most timeoutMs). */
	callEnded(uuid: string, timeoutMs?: number): Promise<unknown>;
	deliverEvent(
		webhookId: string,
		event: IDataObject,
		options?: IDataObject,
	): Promise<{ status: number; body: string }>;
	/** A call on the user's line, one event per state (delivered with `deliverCallEvents`). */
	callHappens(call?: {
		phoneNumber?: string;
		direction?: string;
		states?: string[];
	}): IDataObject & { id: number; eventId: number };
	/** Resolves when every delivery VIS started (with its retries) has ended. */
	deliveriesSettled(): Promise<unknown>;
	listen(port?: number): Promise<string>;
	close(): Promise<void>;
}

/**
 * Starts a fresh stand-in (waits take no real time: helpers/virtualWaits.ts). The nodes keep VIS tokens, VIS
 * request pacing and application JWTs in memory per credential, for the life of the process: each
 * stand-in has a consumer key (VIS) and a private key (JWT) of its own, so nothing one test cached
 * is used in another.
 */
let started = 0;
export async function startStandin(options: Record<string, unknown> = {}): Promise<Standin> {
	const standin = sandbox.createStandin({
		consumerKey: `sandbox-consumer-key-${++started}`,
		...options,
	});
	await standin.listen();
	slept.length = 0;
	return standin;
}

export function credentialsFor(standin: Standin): Record<string, ICredentialDataDecryptedObject> {
	const s = standin.sandbox;
	return {
		vonageVisPasswordApi: {
			baseUrl: standin.url,
			consumerKey: s.consumerKey,
			consumerSecret: s.consumerSecret,
			username: s.username,
			password: s.password,
		},
		vonageKeySecretApi: { baseUrl: standin.url, apiKey: s.apiKey, apiSecret: s.apiSecret },
		vonageJwtApi: {
			baseUrl: standin.url,
			applicationId: s.applicationId,
			privateKey: s.privateKey,
			jwtLifetimeSeconds: 900,
		},
	};
}

export const OAUTH2_REDIRECT_URI = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';

/**
 * What n8n's Connect button does, over HTTP against the stand-in: the VBC user signs in on the
 * /authorize page, the redirect carries a code, and the code is exchanged at /token with the
 * consumer key/secret as Basic auth. Returns the credential as n8n stores it afterwards.
 */
export async function connectedOAuth2Credential(
	standin: Standin,
): Promise<ICredentialDataDecryptedObject> {
	const s = standin.sandbox;
	const signIn = await fetch(`${standin.url}/authorize`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			client_id: s.consumerKey,
			redirect_uri: OAUTH2_REDIRECT_URI,
			response_type: 'code',
			scope: 'openid',
			state: 'test-state',
			username: s.username,
			password: s.password,
		}),
	});
	const code = new URL(signIn.headers.get('location') ?? 'http://missing/').searchParams.get(
		'code',
	);
	if (signIn.status !== 302 || !code)
		throw new Error(`sign-in at the stand-in failed: ${signIn.status}`);
	const exchange = await fetch(`${standin.url}/token`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			authorization: `Basic ${Buffer.from(`${s.consumerKey}:${s.consumerSecret}`).toString('base64')}`,
		},
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: OAUTH2_REDIRECT_URI,
		}),
	});
	if (!exchange.ok)
		throw new Error(`code exchange failed: ${exchange.status} ${await exchange.text()}`);
	return {
		baseUrl: standin.url,
		grantType: 'authorizationCode',
		authUrl: `${standin.url}/authorize`,
		accessTokenUrl: `${standin.url}/token`,
		clientId: s.consumerKey,
		clientSecret: s.consumerSecret,
		scope: 'openid',
		authQueryParameters: '',
		authentication: 'header',
		oauthTokenData: (await exchange.json()) as IDataObject,
	};
}

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { clearJwtCache } from '../../nodes/shared/applicationJwt';
import { retryPolicy } from '../../nodes/shared/transport';
import { clearVisTokenCache } from '../../nodes/shared/visToken';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createStandin } = require('../standin/server');

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body: any;
	auth?: string;
	at: number;
}

/** The stand-in (plain JavaScript, so that it also runs on its own) as the tests see it. */
export interface Standin {
	url: string;
	sandbox: Record<string, string>;
	state: any;
	requests(filter?: { method?: string; path?: string | RegExp }): RecordedRequest[];
	failNext(count: number, status: number, options?: IDataObject): void;
	seedEvents(count: number, template?: IDataObject): void;
	makeCall(phoneNumber: string, direction?: string, state?: string): IDataObject & { id: number };
	sampleEvent(overrides?: IDataObject): IDataObject & { externalId: string };
	deliverEvent(webhookId: string, event: IDataObject, options?: any): Promise<{ status: number; body: string }>;
	listen(port?: number): Promise<string>;
	close(): Promise<void>;
}

/** Starts a fresh stand-in, empties the token caches, and makes retries wait 1 ms instead of seconds. */
export async function startStandin(options: Record<string, unknown> = {}): Promise<Standin> {
	const standin: Standin = createStandin(options);
	await standin.listen();
	clearVisTokenCache();
	clearJwtCache();
	retryPolicy.sleep = async () => undefined;
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
		vonageJwtApi: { baseUrl: standin.url, applicationId: s.applicationId, privateKey: s.privateKey, tokenTtlSeconds: 900 },
	};
}

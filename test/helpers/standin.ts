import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { clearJwtCache } from '../../nodes/shared/applicationJwt';
import { retryPolicy } from '../../nodes/shared/transport';
import { clearVisTokenCache } from '../../nodes/shared/visToken';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createStandin } = require('../standin/server');

export type Standin = ReturnType<typeof createStandin> & { url: string };

/** Starts a fresh stand-in, empties the token caches, and makes retries wait 1 ms instead of seconds. */
export async function startStandin(options: Record<string, unknown> = {}): Promise<Standin> {
	const standin = createStandin(options);
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

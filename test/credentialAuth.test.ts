/**
 * The nodes build their Authorization header in one place (nodes/shared/auth/requestAuth.ts); n8n's
 * credential test (the Test button) builds it from each credential's own `authenticate`, resolved
 * the way n8n's CredentialsHelper resolves it. Both must send the same header, or a credential
 * could pass its test and fail in every node (or the other way round).
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { VonageJwtApi } from '../credentials/VonageJwtApi.credentials';
import { VonageKeySecretApi } from '../credentials/VonageKeySecretApi.credentials';
import { VonageVisPasswordApi } from '../credentials/VonageVisPasswordApi.credentials';
import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { fetchAsHttpRequest } from '../scripts/harness/fetchHttp';
import { runNode, workflowWith } from '../scripts/harness/n8n';
import { http, type AddressInfo, type Server } from './helpers/node';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';

let standin: Standin;
let proxy: Server;
let proxyUrl: string;
/** The Authorization header of every request that went through the proxy, with its path. */
let seen: Array<{ path: string; authorization?: string; status: number }> = [];

beforeEach(async () => {
	standin = await startStandin();
	seen = [];
	// Records the header on its way to the stand-in, so that both paths are seen at the wire.
	proxy = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', async () => {
			const headers = Object.fromEntries(
				Object.entries(req.headers).filter(
					([name]) => name !== 'host' && name !== 'content-length',
				),
			) as Record<string, string>;
			const body = chunks.length ? Buffer.concat(chunks) : undefined;
			const answer = await fetch(`${standin.url}${req.url}`, { method: req.method, headers, body });
			const path = new URL(req.url ?? '/', 'http://x').pathname;
			if (path !== '/token')
				seen.push({ path, authorization: req.headers.authorization, status: answer.status });
			res.writeHead(answer.status, {
				'content-type': answer.headers.get('content-type') ?? 'application/json',
			});
			res.end(Buffer.from(await answer.arrayBuffer()));
		});
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterEach(async () => {
	await new Promise((resolve) => proxy.close(resolve));
	await standin.close();
});

function credentialsThroughProxy(): Record<string, ICredentialDataDecryptedObject> {
	const credentials = credentialsFor(standin);
	for (const data of Object.values(credentials)) data.baseUrl = proxyUrl;
	return credentials;
}

/**
 * n8n's credential test for one credential type: its test request, its preAuthentication where it
 * has one, then its `authenticate` (a function, or generic properties whose expressions n8n resolves
 * with $credentials), sent as n8n sends it.
 */
async function credentialTest(
	type: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<void> {
	const { workflow, node } = workflowWith(new VonageVis(), {}, []);
	const resolve = (value: unknown, credentials: ICredentialDataDecryptedObject) =>
		typeof value === 'string' && value.startsWith('=')
			? String(
					workflow.expression.getSimpleParameterValue(
						node,
						value,
						'internal',
						{ $credentials: credentials },
						undefined,
						'',
					) ?? '',
				)
			: value;
	const credentials = { ...data };
	if (typeof type.preAuthentication === 'function') {
		Object.assign(
			credentials,
			await type.preAuthentication.call(
				{ helpers: { httpRequest: fetchAsHttpRequest } } as IHttpRequestHelper,
				credentials,
			),
		);
	}
	const request = type.test!.request;
	let options: IHttpRequestOptions = {
		method: 'GET',
		url: `${resolve(request.baseURL, credentials)}${request.url}`,
		qs: request.qs as IDataObject,
		headers: {},
	};
	if (typeof type.authenticate === 'function') {
		options = await type.authenticate(credentials, options);
	} else if (type.authenticate?.type === 'generic') {
		for (const [outer, properties] of Object.entries(type.authenticate.properties)) {
			const target = ((options as unknown as Record<string, IDataObject>)[outer] ??= {});
			for (const [key, value] of Object.entries(properties as IDataObject))
				target[String(resolve(key, credentials))] = resolve(value, credentials) as string;
		}
	}
	const auth = options.auth as { username: string; password: string } | undefined;
	const headers = { ...(options.headers as Record<string, string>) };
	// What axios does with `auth` (n8n's request helper passes it on).
	if (auth)
		headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
	const query = new URLSearchParams(
		Object.entries(options.qs ?? {}).map(([k, v]) => [k, String(v)]),
	);
	await fetch(`${options.url}${query.size ? `?${query}` : ''}`, { headers });
}

describe('the credential test and the nodes send the same Authorization header', () => {
	test('Key and Secret: the same Basic header', async () => {
		const credentials = credentialsThroughProxy();
		await credentialTest(new VonageKeySecretApi(), credentials.vonageKeySecretApi);
		await runNode(new VonagePlatform(), {
			parameters: { resource: 'application', operation: 'list', returnAll: false, limit: 1 },
			credentials: { vonageKeySecretApi: credentials.vonageKeySecretApi },
		});
		expect(seen.map((r) => [r.path, r.status])).toEqual([
			['/v2/applications', 200],
			['/v2/applications', 200],
		]);
		expect(seen[0].authorization).toMatch(/^Basic /);
		expect(seen[1].authorization).toBe(seen[0].authorization);
	});

	test('Application JWT: the same Bearer JWT', async () => {
		const credentials = credentialsThroughProxy();
		await credentialTest(new VonageJwtApi(), credentials.vonageJwtApi);
		await runNode(new VonagePlatform(), {
			parameters: { resource: 'user', operation: 'list', returnAll: false, limit: 1 },
			credentials: { vonageJwtApi: credentials.vonageJwtApi },
		});
		expect(seen.map((r) => [r.path, r.status])).toEqual([
			['/v1/users', 200],
			['/v1/users', 200],
		]);
		expect(seen[0].authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
		expect(seen[1].authorization).toBe(seen[0].authorization);
	});

	test('VIS password grant: "Bearer " and an access token of this credential, each from its own sign-in', async () => {
		const credentials = credentialsThroughProxy();
		await credentialTest(new VonageVisPasswordApi(), credentials.vonageVisPasswordApi);
		await runNode(new VonageVis(), {
			parameters: { resource: 'user', operation: 'get' },
			credentials: { vonageVisPasswordApi: credentials.vonageVisPasswordApi },
		});
		const self = '/t/vbc.prod/vis/v1/self';
		expect(seen.map((r) => [r.path, r.status])).toEqual([
			[self, 200],
			[self, 200],
		]);
		// The credential test signs in afresh (n8n's preAuthentication); the nodes use their cached token.
		const issued = [...standin.state.accessTokens.keys()].map((token) => `Bearer ${token}`);
		expect(issued).toContain(seen[0].authorization);
		expect(issued).toContain(seen[1].authorization);
		expect(standin.state.counters.passwordGrants).toBe(2);
	});
});

/**
 * The VIS OAuth2 (authorization-code) credential: the stand-in's sign-in and code exchange, the
 * same VIS requests as the password grant, and n8n-core's own refresh on 401.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { runNode } from '../scripts/harness/n8n';
import { fs, os, path } from './helpers/node';
import {
	connectedOAuth2Credential,
	credentialsFor,
	OAUTH2_REDIRECT_URI,
	startStandin,
	type RecordedRequest,
	type Standin,
} from './helpers/standin';
import { startTrigger } from './helpers/trigger';

const VIS = '/t/vbc.prod/vis/v1';
let standin: Standin;

beforeEach(async () => {
	standin = await startStandin();
});
afterEach(async () => {
	await standin.close();
});

type SignIn = 'passwordGrant' | 'oAuth2';

/** Runs the VIS node with either credential; for OAuth2 the stored credential is returned for inspection. */
async function signedInRunner(signIn: SignIn) {
	const stored: Record<string, ICredentialDataDecryptedObject> =
		signIn === 'oAuth2'
			? { vonageVisOAuth2Api: await connectedOAuth2Credential(standin) }
			: { vonageVisPasswordApi: credentialsFor(standin).vonageVisPasswordApi };
	const run = (
		parameters: IDataObject,
		extra: { items?: IDataObject[]; continueOnFail?: boolean } = {},
	) =>
		runNode(new VonageVis(), {
			parameters: signIn === 'oAuth2' ? { authentication: 'oAuth2', ...parameters } : parameters,
			credentials: stored,
			...extra,
		});
	return { run, stored };
}

const visRequests = () => standin.requests({ path: /^\/t\/vbc\.prod/ });
const comparable = (requests: RecordedRequest[]) =>
	requests.map(({ method, path, query, body }) => ({
		method,
		// ids the stand-in makes up differ between runs
		path: path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{uuid}'),
		query,
		body,
	}));

/** One operation of each family: user, account, call (place, control, list), event, webhook. */
async function everyFamily(run: Awaited<ReturnType<typeof signedInRunner>>['run']) {
	await run({ resource: 'user', operation: 'get' });
	await run({ resource: 'account', operation: 'get' });
	const [placed] = await run({ resource: 'call', operation: 'place', phoneNumber: '+14155550100' });
	await run({ resource: 'call', operation: 'hold', callId: String(placed.json.id) });
	await run({ resource: 'call', operation: 'list', returnAll: true });
	await run({ resource: 'event', operation: 'count' });
	const [hook] = await run({
		resource: 'webhook',
		operation: 'create',
		url: 'https://example.com/h',
		signingAlgo: 'HMAC_SHA256',
		signingKey: 'dummy-0123456789abcdef',
		metadataPolicy: 'HEADER',
	});
	await run({ resource: 'webhook', operation: 'delete', webhookId: String(hook.json.id) });
}

describe('stand-in: Vonage sign-in for the authorization-code grant', () => {
	const authorizeQuery = (overrides: Record<string, string> = {}) =>
		new URLSearchParams({
			client_id: standin.sandbox.consumerKey,
			redirect_uri: OAUTH2_REDIRECT_URI,
			response_type: 'code',
			scope: 'openid',
			state: 's1',
			...overrides,
		});

	test('GET /authorize shows a sign-in form carrying the request; bad requests are refused', async () => {
		const page = await fetch(`${standin.url}/authorize?${authorizeQuery()}`);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('<form method="post" action="/authorize">');
		expect(html).toContain('name="state" value="s1"');
		expect(
			(await fetch(`${standin.url}/authorize?${authorizeQuery({ client_id: 'someone-else' })}`))
				.status,
		).toBe(400);
		expect(
			(await fetch(`${standin.url}/authorize?${authorizeQuery({ scope: 'profile' })}`)).status,
		).toBe(400);
	});

	test('a wrong password stays on the form; a right one redirects with a single-use code bound to the redirect URI', async () => {
		const signIn = (password: string) =>
			fetch(`${standin.url}/authorize`, {
				method: 'POST',
				redirect: 'manual',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					...Object.fromEntries(authorizeQuery()),
					username: standin.sandbox.username,
					password,
				}),
			});
		const refused = await signIn('wrong');
		expect(refused.status).toBe(200);
		expect(await refused.text()).toContain('Invalid username or password');

		const accepted = await signIn(standin.sandbox.password);
		expect(accepted.status).toBe(302);
		const location = new URL(accepted.headers.get('location')!);
		expect(location.origin + location.pathname).toBe(OAUTH2_REDIRECT_URI);
		expect(location.searchParams.get('state')).toBe('s1');
		const code = location.searchParams.get('code')!;

		const exchange = (redirectUri: string) =>
			fetch(`${standin.url}/token`, {
				method: 'POST',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					authorization: `Basic ${Buffer.from(`${standin.sandbox.consumerKey}:${standin.sandbox.consumerSecret}`).toString('base64')}`,
				},
				body: new URLSearchParams({
					grant_type: 'authorization_code',
					code,
					redirect_uri: redirectUri,
				}),
			});
		expect((await exchange('https://elsewhere.example/cb')).status).toBe(400);
		// the failed attempt above used the code up, as a real authorization server does
		expect((await exchange(OAUTH2_REDIRECT_URI)).status).toBe(400);
		expect(standin.state.counters.codeGrants).toBe(0);
	});
});

describe('VIS node with the OAuth2 credential', () => {
	test('makes the same VIS requests as with the password grant, for every operation family', async () => {
		const password = await signedInRunner('passwordGrant');
		await everyFamily(password.run);
		const withPassword = comparable(visRequests());
		expect(standin.state.counters.passwordGrants).toBe(1);
		await standin.close();

		standin = await startStandin();
		const oauth2 = await signedInRunner('oAuth2');
		await everyFamily(oauth2.run);
		expect(comparable(visRequests())).toEqual(withPassword);
		expect(visRequests().every((r) => r.auth === 'vis-bearer')).toBe(true);
		expect(standin.state.counters).toMatchObject({
			passwordGrants: 0,
			codeGrants: 1,
			refreshGrants: 0,
		});
		expect(withPassword.length).toBeGreaterThanOrEqual(8);
	});

	test("an expired token is refreshed by n8n's OAuth2 helper on 401 (Basic client auth) and the request succeeds", async () => {
		const { run, stored } = await signedInRunner('oAuth2');
		const firstToken = (stored.vonageVisOAuth2Api.oauthTokenData as IDataObject).access_token;
		await fetch(`${standin.url}/_standin/expire-tokens`, { method: 'POST' });

		const [item] = await run({ resource: 'user', operation: 'get' });
		expect(item.json).toMatchObject({ id: 522078 });
		const selfRequests = standin.requests({ path: `${VIS}/self` });
		expect(selfRequests).toHaveLength(2); // refused with 401, then accepted
		const refresh = standin
			.requests({ path: '/token' })
			.filter((r) => r.body.grant_type === 'refresh_token');
		expect(refresh).toHaveLength(1);
		expect(refresh[0].auth).toBe('basic');
		const saved = stored.vonageVisOAuth2Api.oauthTokenData as IDataObject;
		expect(saved.access_token).not.toBe(firstToken);
		expect(saved.n8n_expires_at).toEqual(expect.any(String));

		// the refreshed token is stored and used from then on, without another refresh
		await run({ resource: 'account', operation: 'get' });
		expect(standin.state.counters.refreshGrants).toBe(1);
	});

	test('retries and error mapping are the same as with the password grant', async () => {
		const { run } = await signedInRunner('oAuth2');
		standin.failNext(1, 429, { retryAfter: 0 });
		const [account] = await run({ resource: 'account', operation: 'get' });
		expect(account.json).toMatchObject({ id: 257073 });
		expect(standin.requests({ path: `${VIS}/self/account` })).toHaveLength(2);

		standin.failNext(1, 503);
		await expect(
			run({ resource: 'call', operation: 'place', phoneNumber: '+14155550100' }),
		).rejects.toThrow(/Internal server error|503/);
		expect(standin.requests({ method: 'POST', path: `${VIS}/self/calls` })).toHaveLength(1); // never placed twice

		await expect(run({ resource: 'call', operation: 'get', callId: '999999' })).rejects.toThrow(
			/Call 999999 not found/,
		);
	});

	test('a credential that was never connected says so and sends nothing', async () => {
		const notConnected = await connectedOAuth2Credential(standin);
		delete notConnected.oauthTokenData;
		const before = visRequests().length;
		const attempt = runNode(new VonageVis(), {
			parameters: { authentication: 'oAuth2', resource: 'user', operation: 'get' },
			credentials: { vonageVisOAuth2Api: notConnected },
		});
		await expect(attempt).rejects.toThrow(
			/^The Vonage VIS OAuth2 credential is not connected yet: open the credential and click Connect/,
		);
		expect(visRequests()).toHaveLength(before);
	});

	test('a refused refresh token asks for a reconnect, and Continue On Fail keeps the item going', async () => {
		const { run, stored } = await signedInRunner('oAuth2');
		standin.state.refreshTokens.clear();
		await fetch(`${standin.url}/_standin/expire-tokens`, { method: 'POST' });
		const out = await run(
			{ resource: 'user', operation: 'get' },
			{ continueOnFail: true, items: [{ a: 1 }] },
		);
		expect(out).toHaveLength(1);
		expect(String(out[0].json.error)).toMatch(/needs to be reconnected/);
		expect(JSON.stringify(out)).not.toContain(
			String((stored.vonageVisOAuth2Api.oauthTokenData as IDataObject).refresh_token),
		);
	});
});

describe('VIS trigger with the OAuth2 credential', () => {
	test('registers on activation and removes the registration on deactivation', async () => {
		const trigger = await startTrigger(standin, {}, await connectedOAuth2Credential(standin));
		try {
			await trigger.activate();
			expect([...standin.state.webhooks.values()].map((h: IDataObject) => h.url)).toEqual([
				trigger.url,
			]);
			expect(standin.state.counters.passwordGrants).toBe(0);
			await trigger.hook('delete');
			expect(standin.state.webhooks.size).toBe(0);
		} finally {
			await trigger.close();
		}
	});
});

test('with a state file, the sandbox keeps issued tokens across a restart, as Vonage keeps a refresh token', async () => {
	const stateFile = path.join(
		fs.mkdtempSync(path.join(os.tmpdir(), 'standin-state-')),
		'state.json',
	);
	const first = await startStandin({ stateFile });
	const stored = await connectedOAuth2Credential(first);
	const { refresh_token: refreshToken, access_token: accessToken } =
		stored.oauthTokenData as IDataObject;
	await first.close();
	const second = await startStandin({ stateFile });
	try {
		const self = await fetch(`${second.url}/t/vbc.prod/vis/v1/self`, {
			headers: { authorization: `Bearer ${String(accessToken)}` },
		});
		expect(self.status).toBe(200);
		const refreshed = await fetch(`${second.url}/token`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				authorization: `Basic ${Buffer.from(`${second.sandbox.consumerKey}:${second.sandbox.consumerSecret}`).toString('base64')}`,
			},
			body: new URLSearchParams({
				grant_type: 'refresh_token',
				refresh_token: String(refreshToken),
			}).toString(),
		});
		expect(refreshed.status).toBe(200);
	} finally {
		await second.close();
		fs.rmSync(path.dirname(stateFile), { recursive: true, force: true });
	}
});

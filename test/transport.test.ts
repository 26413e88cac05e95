/**
 * The transport against a hostile or broken upstream, through n8n-core's real ExecuteContext and
 * n8n's own HTTP helper: redirects to another host, silent and trickling servers, HTML where
 * JSON was expected, error bodies that echo secrets, bad Base URLs and VIS's quota.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { runNode } from '../scripts/harness/n8n';
import {
	clearInterval,
	http,
	setInterval,
	type AddressInfo,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type ServerResponse,
	type Socket,
} from './helpers/node';
import { credentialsFor, slept, startStandin, virtualNow, type Standin } from './helpers/standin';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Recorded {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

/** A server on loopback that records every request and answers with the current handler. */
async function hostileServer() {
	const seen: Recorded[] = [];
	let handler: Handler = (_req, res) => res.writeHead(404).end();
	const sockets = new Set<Socket>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString();
			seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			handler(req, res, body);
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		handle(next: Handler) {
			handler = next;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

let standin: Standin;
let upstream: Awaited<ReturnType<typeof hostileServer>>;
let elsewhere: Awaited<ReturnType<typeof hostileServer>>;

beforeEach(async () => {
	standin = await startStandin();
	upstream = await hostileServer();
	elsewhere = await hostileServer();
	elsewhere.handle((_req, res) =>
		res.writeHead(200, { 'content-type': 'application/json' }).end('{"stolen":true}'),
	);
});
afterEach(async () => {
	await upstream.close();
	await elsewhere.close();
	await standin.close();
});

/** Credentials of every kind pointed at the hostile upstream. */
function pointedAt(base: string): Record<string, ICredentialDataDecryptedObject> {
	const real = credentialsFor(standin);
	return {
		vonageVisPasswordApi: { ...real.vonageVisPasswordApi, baseUrl: base },
		vonageKeySecretApi: { ...real.vonageKeySecretApi, baseUrl: base },
		vonageJwtApi: { ...real.vonageJwtApi, baseUrl: base },
	};
}

/** Answers the VIS token request like Vonage, everything else with `rest`. */
function withVisToken(rest: Handler): Handler {
	return (req, res, body) => {
		if (req.url === '/token') {
			res
				.writeHead(200, { 'content-type': 'application/json' })
				.end(JSON.stringify({ access_token: 'tok-abc-123', expires_in: 86400 }));
			return;
		}
		rest(req, res, body);
	};
}

const CASES: Array<[string, () => Promise<unknown>]> = [
	[
		'VIS Place Call (bearer, POST)',
		() => runVis({ resource: 'call', operation: 'place', phoneNumber: '14155550100' }),
	],
	['VIS Get User (bearer, GET)', () => runVis({ resource: 'user', operation: 'get' })],
	[
		'Applications Get (Basic, GET)',
		() => runPlatform({ resource: 'application', operation: 'get', applicationId: 'a-1' }),
	],
	[
		'Users Create (JWT, POST)',
		() => runPlatform({ resource: 'user', operation: 'create', name: 'alice' }),
	],
];

async function runVis(parameters: IDataObject, extra: IDataObject = {}) {
	return await runNode(new VonageVis(), {
		parameters,
		credentials: { vonageVisPasswordApi: pointedAt(upstream.url).vonageVisPasswordApi },
		...extra,
	});
}
async function runPlatform(parameters: IDataObject) {
	const credentials = pointedAt(upstream.url);
	return await runNode(new VonagePlatform(), {
		parameters,
		credentials: {
			vonageKeySecretApi: credentials.vonageKeySecretApi,
			vonageJwtApi: credentials.vonageJwtApi,
		},
	});
}

describe('redirects are never followed', () => {
	test.each(
		CASES.flatMap(([name, run]) =>
			[302, 307].map((status) => [`${name} → ${status}`, status, run] as const),
		),
	)('%s to another host: an error, and the other host sees nothing', async (_name, status, run) => {
		upstream.handle(
			withVisToken((_req, res) =>
				res.writeHead(status, { location: `${elsewhere.url}/collect?x=1` }).end(),
			),
		);
		await expect(run()).rejects.toThrow(
			new RegExp(`HTTP ${status}, a redirect to 127\\.0\\.0\\.1:\\d+; it was not followed`),
		);
		expect(elsewhere.seen).toHaveLength(0);
	});

	test('a redirect on the VIS token request is not followed with the password either', async () => {
		upstream.handle((_req, res) =>
			res.writeHead(307, { location: `${elsewhere.url}/token` }).end(),
		);
		await expect(runVis({ resource: 'user', operation: 'get' })).rejects.toThrow(
			/VIS sign-in failed/,
		);
		expect(elsewhere.seen).toHaveLength(0);
	});
});

describe('every attempt has a deadline', () => {
	test.each([
		['a silent server', () => undefined],
		[
			'a server trickling one byte every 200 ms',
			(_req: IncomingMessage, res: ServerResponse) => {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.write('[');
				const drip = setInterval(
					() => (res.writableEnded ? clearInterval(drip) : res.write(' ')),
					200,
				);
				res.on('close', () => clearInterval(drip));
			},
		],
	])('%s: a GET gives up after 3 attempts of 1 s, a POST after 1', async (_name, handler) => {
		upstream.handle(withVisToken(handler as Handler));
		const started = Date.now();
		await expect(
			runVis({ resource: 'user', operation: 'get', requestOptions: { timeoutSeconds: 1 } }),
		).rejects.toThrow(/gave no complete answer within 1 s/);
		expect(upstream.seen.filter((r) => r.url.endsWith('/self'))).toHaveLength(3);
		await expect(
			runVis({
				resource: 'call',
				operation: 'place',
				phoneNumber: '14155550100',
				requestOptions: { timeoutSeconds: 1 },
			}),
		).rejects.toThrow(/within 1 s/);
		expect(upstream.seen.filter((r) => r.url.endsWith('/self/calls'))).toHaveLength(1);
		expect(Date.now() - started).toBeLessThan(8000);
	});

	test('a hanging token request is cut by the same deadline', async () => {
		upstream.handle(() => undefined);
		const started = Date.now();
		await expect(
			runVis({
				resource: 'call',
				operation: 'place',
				phoneNumber: '14155550100',
				requestOptions: { timeoutSeconds: 1 },
			}),
		).rejects.toThrow(/within 1 s/);
		expect(Date.now() - started).toBeLessThan(3000);
	});
});

describe('answers that are not what was expected', () => {
	test.each([
		[
			'HTML',
			'text/html',
			'<html><body>Maintenance</body></html>',
			/200 with text\/html that is not JSON: "<html><body>Maintenance/,
		],
		['broken JSON', 'application/json', '{"id": "a-1", ', /not JSON: "\{"id": "a-1",/],
	])(
		'a 2xx with %s is an error naming what came back',
		async (_name, contentType, text, message) => {
			upstream.handle((_req, res) => res.writeHead(200, { 'content-type': contentType }).end(text));
			await expect(
				runPlatform({ resource: 'application', operation: 'get', applicationId: 'a-1' }),
			).rejects.toThrow(message);
			expect(upstream.seen).toHaveLength(1);
		},
	);

	test('an error body that echoes the token request and the Authorization header shows no secret', async () => {
		const secrets = credentialsFor(standin).vonageVisPasswordApi;
		upstream.handle((req, res, body) =>
			res.writeHead(400, { 'content-type': 'application/json' }).end(
				JSON.stringify({
					error: 'invalid_request',
					error_description: `bad request: ${body}`,
					echoed: req.headers.authorization,
				}),
			),
		);
		const error = await runVis({ resource: 'user', operation: 'get' }).catch((e) => e);
		const everything = everythingIn(error);
		for (const secret of [
			secrets.password,
			secrets.consumerSecret,
			encodeURIComponent(String(secrets.password)),
		]) {
			expect(everything).not.toContain(String(secret));
		}
		expect(error.message).toMatch(/\*\*hidden\*\*/);

		const basic = pointedAt(upstream.url).vonageKeySecretApi;
		const basicHeader = Buffer.from(`${basic.apiKey}:${basic.apiSecret}`).toString('base64');
		const apiError = await runPlatform({
			resource: 'application',
			operation: 'get',
			applicationId: 'a-1',
		}).catch((e) => e);
		const apiText = everythingIn(apiError);
		expect(apiText).toContain('**hidden**');
		expect(apiText).not.toContain(basicHeader);
		expect(apiText).not.toContain(String(basic.apiSecret));
	});
});

/** All an error carries that n8n may show or store: its own properties, message and description. */
function everythingIn(error: Record<string, unknown>): string {
	const own = Object.fromEntries(
		Object.getOwnPropertyNames(error)
			.filter((name) => name !== 'node')
			.map((name) => [name, error[name]]),
	);
	return JSON.stringify({ ...own, message: error.message, description: error.description });
}

test('Return All stops with an error after 1,000 pages when a server keeps inventing cursors', async () => {
	let page = 0;
	upstream.handle((_req, res) => {
		page++;
		res.writeHead(200, { 'content-type': 'application/json' }).end(
			JSON.stringify({
				_embedded: { users: [{ id: `USR-${page}` }] },
				_links: { next: { href: `${upstream.url}/v1/users?cursor=c${page}` } },
			}),
		);
	});
	await expect(
		runPlatform({ resource: 'user', operation: 'list', returnAll: true }),
	).rejects.toThrow(/Return All stopped after 1000 pages/);
	expect(upstream.seen).toHaveLength(1000);
});

describe('Base URL is checked before anything is sent', () => {
	test.each([
		['file:///etc/passwd'],
		['gopher://127.0.0.1:70/'],
		['api.nexmo.com'],
		['https://user:pw@api.nexmo.com'],
		['https://api.nexmo.com/?x=1'],
	])('%s: an error naming the credential field, nothing retried', async (baseUrl) => {
		const credentials = { ...pointedAt(upstream.url).vonageKeySecretApi, baseUrl };
		const before = slept.length;
		await expect(
			runNode(new VonagePlatform(), {
				parameters: { resource: 'application', operation: 'get', applicationId: 'a-1' },
				credentials: { vonageKeySecretApi: credentials },
			}),
		).rejects.toThrow(/^Base URL in the Vonage Key and Secret credential: expected/);
		expect(slept.length).toBe(before);
		expect(upstream.seen).toHaveLength(0);
	});
});

describe('VIS quota', () => {
	test('a POST answered 429 is retried after Retry-After; a 503 is not', async () => {
		upstream.handle(
			withVisToken((req, res) => {
				const calls = upstream.seen.filter((r) => r.url.endsWith('/self/calls')).length;
				if (calls === 1)
					return res
						.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' })
						.end('{}');
				if (calls === 2)
					return res.writeHead(201, { 'content-type': 'application/json' }).end('[{"id":"c-1"}]');
				return res.writeHead(503).end();
			}),
		);
		const [item] = await runVis({
			resource: 'call',
			operation: 'place',
			phoneNumber: '14155550100',
		});
		expect(item.json).toMatchObject({ id: 'c-1' });
		expect(slept).toContain(7000);
		await expect(
			runVis({ resource: 'call', operation: 'place', phoneNumber: '14155550100' }),
		).rejects.toThrow();
		expect(upstream.seen.filter((r) => r.url.endsWith('/self/calls'))).toHaveLength(3);
	});

	test('30 Place Call and 30 Get Call items against 10 requests per minute per token: no failed item', async () => {
		await standin.close();
		standin = await startStandin({ visQuotaPerMinute: 10, clock: virtualNow });
		const credentials = { vonageVisPasswordApi: credentialsFor(standin).vonageVisPasswordApi };
		const started = virtualNow();
		const placed = await runNode(new VonageVis(), {
			parameters: { resource: 'call', operation: 'place', phoneNumber: '={{ $json.number }}' },
			credentials,
			items: Array.from({ length: 30 }, (_, i) => ({
				number: `1415555${String(i).padStart(4, '0')}`,
			})),
			continueOnFail: true,
		});
		expect(placed.filter((item) => item.json.error)).toHaveLength(0);
		const got = await runNode(new VonageVis(), {
			parameters: { resource: 'call', operation: 'get', callId: '={{ $json.id }}' },
			credentials,
			items: placed.map((item) => ({ id: item.json.id })),
			continueOnFail: true,
		});
		expect(got.filter((item) => item.json.error)).toHaveLength(0);
		const minutes = Math.ceil((virtualNow() - started) / 60_000);
		expect(minutes).toBeGreaterThanOrEqual(5);
		expect(standin.state.quotaRefusedAt.length).toBeLessThanOrEqual(minutes);
	});
});

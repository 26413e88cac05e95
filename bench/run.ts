/**
 * `npm run bench`: the nodes against a plain fetch loop (the floor) and @vonage/server-sdk,
 * side by side in one run, on the local stand-in (a separate process on loopback).
 * Each case runs its variants interleaved, three rounds, and reports the ratio of medians:
 * single timings on a shared 2-core machine mean little. Not part of the tests; never gates CI.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { Vonage } from '@vonage/server-sdk';
import { WebhookContext } from 'n8n-core';
import type { IDataObject, IWebhookData } from 'n8n-workflow';

import { applicationJwt } from '../nodes/shared/auth/applicationJwt';
import { visAccessToken } from '../nodes/shared/auth/visToken';
import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { signedEventForms } from '../nodes/VonageVis/trigger/canonicalJson';
import {
	acceptedDeliveries,
	eventsRun,
	triggerNodeKey,
} from '../nodes/VonageVis/trigger/deliveries';
import { eventKey } from '../nodes/VonageVis/events';
import { matchingSignedForm } from '../nodes/VonageVis/trigger/signature';
import { VonageVisTrigger } from '../nodes/VonageVis/VonageVisTrigger.node';
import { fetchAsHttpRequest } from '../scripts/harness/fetchHttp';
import { additionalDataFor, runNode, workflowWith } from '../scripts/harness/n8n';
import {
	clearInterval,
	collectGarbage,
	fs,
	http,
	os,
	path,
	process,
	setInterval,
	setTimeout,
	spawn,
	spawnSync,
} from '../test/helpers/node';

const ROOT = process.cwd();
const ROUNDS = 3;
const PER_ITEM = Number(process.env.BENCH_ITEMS ?? 1000);
const RETURN_ALL = Number(process.env.BENCH_RETURN_ALL ?? 10000);
/**
 * BENCH_ONLY=perItem,returnAll,verification,coldLoad,n8n,voiceTurns runs some of the cases; the
 * table is then partial.
 */
const ONLY = process.env.BENCH_ONLY?.split(',');
const selected = (section: string) => !ONLY || ONLY.includes(section);

interface Sandbox {
	url: string;
	consumerKey: string;
	consumerSecret: string;
	username: string;
	password: string;
	apiKey: string;
	apiSecret: string;
	applicationId: string;
	privateKey: string;
}

/** A page of Users v1 as the floor reads it. */
interface UsersPage {
	_embedded: { users: unknown[] };
	_links: { next?: { href: string } };
}

const rows: string[][] = [];
const notes: string[] = [];
const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; peakHeapMb: number }> {
	collectGarbage();
	const baseline = process.memoryUsage().heapUsed;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
	const start = process.hrtime.bigint();
	await fn();
	const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().heapUsed);
	return { ms: elapsed, peakHeapMb: (peak - baseline) / 1048576 };
}

/** Runs the variants interleaved for ROUNDS rounds; returns median time and peak heap per variant. */
async function compare(
	variants: Record<string, () => Promise<unknown>>,
	before?: () => Promise<void>,
) {
	const results: Record<string, { ms: number[]; heap: number[] }> = {};
	for (let round = 0; round < ROUNDS; round++) {
		for (const [name, fn] of Object.entries(variants)) {
			await before?.();
			const { ms: elapsed, peakHeapMb } = await timed(fn);
			(results[name] ??= { ms: [], heap: [] }).ms.push(elapsed);
			results[name].heap.push(peakHeapMb);
		}
	}
	return Object.fromEntries(
		Object.entries(results).map(([name, r]) => [name, { ms: median(r.ms), heap: median(r.heap) }]),
	);
}

function getJsonOnNewConnection(url: string, authorization: string): Promise<unknown> {
	return new Promise((resolve, reject) => {
		http
			.get(
				url,
				{ agent: false, headers: { Authorization: authorization, Accept: 'application/json' } },
				(response) => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
				},
			)
			.on('error', reject);
	});
}

/** Counts how much one stand-in counter grows while each named variant runs, over all rounds. */
function tally(sandbox: Sandbox, counter: string) {
	const of: Record<string, number> = {};
	const count = (name: string, fn: () => Promise<unknown>) => async () => {
		const before = Number((await control(sandbox, 'counters'))[counter]);
		await fn();
		of[name] = (of[name] ?? 0) + Number((await control(sandbox, 'counters'))[counter]) - before;
	};
	const wrap = (variants: Record<string, () => Promise<unknown>>) =>
		Object.fromEntries(Object.entries(variants).map(([name, fn]) => [name, count(name, fn)]));
	return { of, count, wrap };
}

async function control(sandbox: Sandbox, route: string, body: IDataObject = {}) {
	const response = await fetch(`${sandbox.url}/_standin/${route}`, {
		method: route === 'counters' ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json' },
		body: route === 'counters' ? undefined : JSON.stringify(body),
	});
	return (await response.json()) as IDataObject;
}

async function startStandinProcess(): Promise<{ sandbox: Sandbox; stop: () => void }> {
	const infoFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'sandbox.json');
	const child = spawn(
		process.execPath,
		[path.join(ROOT, 'sandbox/cli.js'), '--port', '0', '--events', '0', '--json-out', infoFile],
		{
			stdio: 'ignore',
		},
	);
	for (let i = 0; i < 100 && !fs.existsSync(infoFile); i++)
		await new Promise((resolve) => setTimeout(resolve, 50));
	return { sandbox: JSON.parse(fs.readFileSync(infoFile, 'utf8')), stop: () => child.kill() };
}

/**
 * Requests per Minute of the bench's VIS credential. VIS allows about 10 a minute unless Vonage
 * raised it, and the nodes pace themselves to that; at 10 the 1,000-item VIS case would measure
 * 100 minutes of waiting. The bench measures the nodes' own cost, so the quota is set out of reach.
 */
export const BENCH_VIS_REQUESTS_PER_MINUTE = 1_000_000;

function credentials(s: Sandbox) {
	return {
		vonageVisPasswordApi: {
			baseUrl: s.url,
			consumerKey: s.consumerKey,
			consumerSecret: s.consumerSecret,
			username: s.username,
			password: s.password,
			requestsPerMinute: BENCH_VIS_REQUESTS_PER_MINUTE,
		},
		vonageKeySecretApi: { baseUrl: s.url, apiKey: s.apiKey, apiSecret: s.apiSecret },
		vonageJwtApi: {
			baseUrl: s.url,
			applicationId: s.applicationId,
			privateKey: s.privateKey,
			jwtLifetimeSeconds: 900,
		},
	};
}

async function perItem(sandbox: Sandbox) {
	const creds = credentials(sandbox);
	const basic = `Basic ${Buffer.from(`${sandbox.apiKey}:${sandbox.apiSecret}`).toString('base64')}`;
	const jwt = await applicationJwt(creds.vonageJwtApi);
	const sdk = new Vonage(
		{
			apiKey: sandbox.apiKey,
			apiSecret: sandbox.apiSecret,
			applicationId: sandbox.applicationId,
			privateKey: sandbox.privateKey,
		},
		{ apiHost: sandbox.url },
	);
	const appItems = Array.from({ length: PER_ITEM }, () => ({ id: sandbox.applicationId }));

	const connections = tally(sandbox, 'connections');
	const get = await compare(
		connections.wrap({
			node: () =>
				runNode(new VonagePlatform(), {
					parameters: {
						resource: 'application',
						operation: 'get',
						applicationId: '={{ $json.id }}',
					},
					credentials: creds,
					items: appItems,
				}),
			// The same node with the id typed in: what is left once n8n's per-item expression evaluation is taken out.
			nodeLiteral: () =>
				runNode(new VonagePlatform(), {
					parameters: {
						resource: 'application',
						operation: 'get',
						applicationId: sandbox.applicationId,
					},
					credentials: creds,
					items: appItems,
				}),
			floor: async () => {
				for (const item of appItems)
					await (
						await fetch(`${sandbox.url}/v2/applications/${item.id}`, {
							headers: { Authorization: basic },
						})
					).json();
			},
			sdk: async () => {
				for (const item of appItems) await sdk.applications.getApplication(item.id);
			},
			// node:http opening a connection per request, as n8n's helper does: shows what that alone costs.
			floorNewConnections: async () => {
				for (const item of appItems)
					await getJsonOnNewConnection(`${sandbox.url}/v2/applications/${item.id}`, basic);
			},
		}),
	);
	rows.push(
		[
			'Get Application ×' + PER_ITEM,
			ms(get.node.ms),
			ms(get.floor.ms),
			ms(get.sdk.ms),
			(get.node.ms / get.floor.ms).toFixed(2),
			(get.node.ms / get.sdk.ms).toFixed(2),
			'Basic auth: no signing; id from an expression',
		],
		[
			'Get Application ×' + PER_ITEM + ', id typed in',
			ms(get.nodeLiteral.ms),
			ms(get.floor.ms),
			ms(get.sdk.ms),
			(get.nodeLiteral.ms / get.floor.ms).toFixed(2),
			(get.nodeLiteral.ms / get.sdk.ms).toFixed(2),
			'no expression to evaluate per item',
		],
		[
			'Get Application ×' +
				PER_ITEM +
				', id typed in, vs a floor that opens a connection per request',
			ms(get.nodeLiteral.ms),
			ms(get.floorNewConnections.ms),
			ms(get.sdk.ms),
			(get.nodeLiteral.ms / get.floorNewConnections.ms).toFixed(2),
			(get.nodeLiteral.ms / get.sdk.ms).toFixed(2),
			'floor = node:http, agent: false: what is left is axios and n8n-core per request',
		],
	);

	let n = 0;
	const userItems = () => Array.from({ length: PER_ITEM }, () => ({ name: `bench-${n++}` }));
	const clearUsers = () => control(sandbox, 'clear-users').then(() => undefined);
	const jwts = tally(sandbox, 'distinctJwts');
	const create = await compare(
		connections.wrap({
			node: jwts.count('node', () =>
				runNode(new VonagePlatform(), {
					parameters: { resource: 'user', operation: 'create', name: '={{ $json.name }}' },
					credentials: creds,
					items: userItems(),
				}),
			),
			floor: jwts.count('floor', async () => {
				for (const item of userItems()) {
					await (
						await fetch(`${sandbox.url}/v1/users`, {
							method: 'POST',
							headers: { Authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
							body: JSON.stringify(item),
						})
					).json();
				}
			}),
			sdk: jwts.count('sdk', async () => {
				for (const item of userItems()) await sdk.users.createUser(item);
			}),
		}),
		clearUsers,
	);
	rows.push([
		'Create User (JWT) ×' + PER_ITEM,
		ms(create.node.ms),
		ms(create.floor.ms),
		ms(create.sdk.ms),
		(create.node.ms / create.floor.ms).toFixed(2),
		(create.node.ms / create.sdk.ms).toFixed(2),
		`new JWTs seen by the server over ${ROUNDS} runs: node ${jwts.of.node} (cached token reused), floor ${jwts.of.floor} (pre-signed), sdk ${jwts.of.sdk}`,
	]);

	const { ids } = (await control(sandbox, 'seed-calls', { count: 1 })) as { ids: number[] };
	// Token requests as the stand-in counts them: password grants and refreshes.
	const tokenGrants = async () => {
		const counters = await control(sandbox, 'counters');
		return Number(counters.passwordGrants) + Number(counters.refreshGrants);
	};
	const tokenBefore = await tokenGrants();
	const token = await visAccessToken(fetchAsHttpRequest, creds.vonageVisPasswordApi);
	const callItems = Array.from({ length: PER_ITEM }, () => ({ id: ids[0] }));
	const call = await compare(
		connections.wrap({
			node: () =>
				runNode(new VonageVis(), {
					parameters: { resource: 'call', operation: 'get', callId: '={{ $json.id }}' },
					credentials: { vonageVisPasswordApi: creds.vonageVisPasswordApi },
					items: callItems,
				}),
			floor: async () => {
				for (const item of callItems)
					await (
						await fetch(`${sandbox.url}/t/vbc.prod/vis/v1/self/calls/${item.id}`, {
							headers: { Authorization: `Bearer ${token}` },
						})
					).json();
			},
		}),
	);
	rows.push([
		'VIS Get Call ×' + PER_ITEM,
		ms(call.node.ms),
		ms(call.floor.ms),
		'not covered',
		(call.node.ms / call.floor.ms).toFixed(2),
		'–',
		`token requests: ${(await tokenGrants()) - tokenBefore} for ${ROUNDS * PER_ITEM + 1} calls; credential's Requests per Minute ${BENCH_VIS_REQUESTS_PER_MINUTE.toLocaleString('en')}, so no pacing wait`,
	]);
	const perRun = (name: string) => Math.round(connections.of[name] / ROUNDS / 3);
	const newConnectionsFloor = Math.round(connections.of.floorNewConnections / ROUNDS);
	notes.push(
		`TCP connections opened per ${PER_ITEM} requests (mean over the three cases): node ${perRun('node')}, floor ${perRun('floor')}, ` +
			`@vonage/server-sdk ${Math.round(connections.of.sdk / ROUNDS / 2)}, floor with a connection per request ${newConnectionsFloor}. n8n's helpers.httpRequest builds new HTTP agents for every request, so no connection is reused; ` +
			'over HTTPS to Vonage each of those is also a TLS handshake.',
	);
}

async function returnAll(sandbox: Sandbox) {
	const creds = credentials(sandbox);
	await control(sandbox, 'clear-users');
	await control(sandbox, 'seed-users', { count: RETURN_ALL });
	await control(sandbox, 'seed-events', { count: RETURN_ALL });
	const jwt = await applicationJwt(creds.vonageJwtApi);
	const users = await compare({
		node: async () => {
			const out = await runNode(new VonagePlatform(), {
				parameters: { resource: 'user', operation: 'list', returnAll: true },
				credentials: creds,
			});
			if (out.length !== RETURN_ALL) throw new Error(`node listed ${out.length} users`);
		},
		floor: async () => {
			const all: unknown[] = [];
			let cursor: string | null = null;
			do {
				const response = (await (
					await fetch(
						`${sandbox.url}/v1/users?page_size=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
						{ headers: { Authorization: `Bearer ${jwt}` } },
					)
				).json()) as UsersPage;
				all.push(...response._embedded.users);
				cursor = response._links.next
					? new URL(response._links.next.href).searchParams.get('cursor')
					: null;
			} while (cursor);
			if (all.length !== RETURN_ALL) throw new Error(`floor listed ${all.length} users`);
		},
	});
	rows.push([
		`Return All users ×${RETURN_ALL} (cursor)`,
		ms(users.node.ms),
		ms(users.floor.ms),
		'–',
		(users.node.ms / users.floor.ms).toFixed(2),
		'–',
		`peak heap: node ${users.node.heap.toFixed(1)} MB, floor ${users.floor.heap.toFixed(1)} MB`,
	]);

	const token = await visAccessToken(fetchAsHttpRequest, creds.vonageVisPasswordApi);
	const events = await compare({
		node: async () => {
			const out = await runNode(new VonageVis(), {
				parameters: { resource: 'event', operation: 'list', returnAll: true },
				credentials: { vonageVisPasswordApi: creds.vonageVisPasswordApi },
			});
			if (out.length < RETURN_ALL) throw new Error(`node listed ${out.length} events`);
		},
		floor: async () => {
			const all: unknown[] = [];
			for (let page = 1; ; page++) {
				const items = (await (
					await fetch(
						`${sandbox.url}/t/vbc.prod/vis/v1/self/events?types=CALL&offset=${page}&size=100`,
						{ headers: { Authorization: `Bearer ${token}` } },
					)
				).json()) as unknown[];
				all.push(...items);
				if (items.length < 100) break;
			}
		},
	});
	rows.push([
		`Return All events ×${RETURN_ALL} (offset/size)`,
		ms(events.node.ms),
		ms(events.floor.ms),
		'–',
		(events.node.ms / events.floor.ms).toFixed(2),
		'–',
		`peak heap: node ${events.node.heap.toFixed(1)} MB, floor ${events.floor.heap.toFixed(1)} MB`,
	]);
}

async function verification() {
	const nodeType = new VonageVisTrigger();
	const { workflow, node } = workflowWith(nodeType, { options: {} }, ['vonageVisPasswordApi'], {});
	const signingKey = 'a'.repeat(64);
	Object.assign(workflow.getStaticData('node', node), {
		webhookId: 'wh',
		signingKey,
		expireAt: new Date(Date.now() + 9 * 86_400_000).toISOString(),
	});
	const event: IDataObject = {
		accountId: '257073',
		direction: 'INBOUND',
		duration: 0,
		externalId: 'x'.repeat(36),
		id: '123456789',
		internal: false,
		phoneNumber: '14155550123',
		startTime: new Date().toISOString(),
		state: 'RINGING',
		type: 'CALL',
		ucpType: 'VBS',
		userId: '522078',
		callerId: 'A caller name',
		notes: 'n'.repeat(650),
	};
	const rawBody = Buffer.from(JSON.stringify({ event }));
	const canonical = JSON.stringify(
		Object.fromEntries(
			Object.keys(event)
				.sort()
				.map((k) => [k, event[k]]),
		),
	);
	const signature = createHmac('sha256', signingKey).update(canonical).digest('hex');
	const request = {
		rawBody,
		body: JSON.parse(rawBody.toString()),
		headers: {
			'content-type': 'application/json',
			'x-von-signature': signature,
			'x-von-webhook-id': 'wh',
			'x-von-delivery-id': '',
			'x-von-attempt': '1',
		},
	};
	const response = { status: () => ({ json: () => undefined }) };
	const additionalData = {
		...additionalDataFor({}),
		httpRequest: request,
		httpResponse: response,
	} as never;
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: 'vis-events',
		webhookDescription: nodeType.description.webhooks![0],
		workflowId: workflow.id,
	} as unknown as IWebhookData;

	let i = 0;
	const window = async (fn: (i: number) => Promise<boolean> | boolean, seconds: number) => {
		const start = process.hrtime.bigint();
		let count = 0;
		while (Number(process.hrtime.bigint() - start) < seconds * 1e9) {
			count++;
			if (!(await fn(i++))) throw new Error('verification failed');
		}
		return count / (Number(process.hrtime.bigint() - start) / 1e9);
	};
	// Half a second to warm up (JIT), then the median of ROUNDS one-second windows.
	const perSecond = async (fn: (i: number) => Promise<boolean> | boolean) => {
		await window(fn, 0.5);
		const rates: number[] = [];
		for (let round = 0; round < ROUNDS; round++) rates.push(await window(fn, 1));
		return median(rates);
	};
	const node_ = await perSecond(async (i) => {
		request.headers['x-von-delivery-id'] = `d-${i}`;
		// The same signed event every time: forget it, or a replay guard answers "duplicate" (both
		// the trigger keeps: by signature, and by event id and state).
		const owner = triggerNodeKey(workflow.id, node.id);
		acceptedDeliveries.for(owner).forget(signature);
		eventsRun.for(owner).forget(eventKey(event));
		const result = await nodeType.webhook.call(
			new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null),
		);
		return Boolean(result.workflowData);
	});
	const bodyText = rawBody.toString('utf8');
	// The verification alone, for a delivery signed over each accepted form of its event: the form
	// as received is tried first and needs no canonicalisation; the sorted ones are built only then.
	const spacedText = `{${Object.keys(event)
		.sort()
		.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(event[k])}`)
		.join(',')}}`;
	const signedOver = { received: JSON.stringify(event), compact: canonical, spaced: spacedText };
	const verifyOnly: Record<string, number> = {};
	for (const [form, text] of Object.entries(signedOver)) {
		const signed = createHmac('sha256', signingKey).update(text).digest('hex');
		verifyOnly[form] = await perSecond(
			() => matchingSignedForm(signedEventForms(bodyText), signingKey, signed) === form,
		);
	}
	const expected = Buffer.from(signature, 'hex');
	const bare = await perSecond(
		() =>
			timingSafeEqual(createHmac('sha256', signingKey).update(rawBody).digest(), expected) || true,
	);
	rows.push(
		[
			`Trigger verification, ${rawBody.length} B event`,
			`${Math.round(node_)}/s`,
			`${Math.round(bare)}/s`,
			'–',
			(bare / node_).toFixed(2) + ' (floor/node)',
			'–',
			'node = webhook() in an n8n-core WebhookContext, signed over the sorted compact form: body limits + UTF-8 decode + find the event + HMAC of the form as received + canonicalise + HMAC + constant-time compare + replay check + parse of the verified text + output',
		],
		...[
			['received', 'signed over the event as received: find it + 1 HMAC + compare'],
			[
				'compact',
				'signed over the sorted compact form (VIS’s written rule, as above): find + HMAC of the form as received + canonicalise + HMAC + compare',
			],
			['spaced', 'signed over the docs’ spaced form: find + 3 HMACs + both sorted forms'],
		].map(([form, what]) => [
			`  of which verification, ${form} form`,
			`${Math.round(verifyOnly[form])}/s`,
			`${Math.round(bare)}/s`,
			'–',
			(bare / verifyOnly[form]).toFixed(2) + ' (floor/node)',
			'–',
			`${what}; without n8n’s per-request context`,
		]),
	);
}

function coldLoad() {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const files = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((f: string) => path.join(ROOT, f));
	// n8n has n8n-workflow loaded before it loads community nodes, so both variants preload it.
	// jose is bundled into dist/nodes/shared/auth/jose.js; preloading that file isolates its share.
	const bundle = JSON.stringify(path.join(ROOT, 'dist', 'nodes', 'shared', 'auth', 'jose.js'));
	const script = (preloadJose: boolean) =>
		`require('n8n-workflow');${preloadJose ? `require(${bundle});` : ''}const t=process.hrtime.bigint();for(const f of ${JSON.stringify(files)})require(f);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
	const measure = (preload: boolean) =>
		median(
			Array.from({ length: 9 }, () =>
				Number(
					spawnSync(process.execPath, ['-e', script(preload)], { cwd: ROOT, encoding: 'utf8' })
						.stdout,
				),
			),
		);
	const cold = measure(false);
	const warmJose = measure(true);
	rows.push([
		'Cold load of every node and credential (dist)',
		ms(cold),
		'–',
		'–',
		'–',
		'–',
		`with the bundled jose already loaded: ${warmJose.toFixed(0)} ms, so the 44 KB bundle costs ~${(cold - warmJose).toFixed(0)} ms (median of 9 processes)`,
	]);
}

/** bench/n8n.js: the per-item cases inside a real n8n, against n8n's own HTTP Request node. */
function insideN8n(): string {
	const result = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'n8n.js')], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	if (result.status !== 0)
		return `Inside n8n: not measured (bench/n8n.js exited with ${result.status}).`;
	return result.stdout.trim();
}

/** bench/voiceTurns.js: a caller's turn through the Voice Trigger beside n8n's Webhook node. */
function voiceTurns(): string {
	const result = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'voiceTurns.js')], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	if (result.status !== 0)
		return `Caller turns: not measured (bench/voiceTurns.js exited with ${result.status}).`;
	return result.stdout.trim();
}

async function main() {
	const { sandbox, stop } = await startStandinProcess();
	try {
		if (selected('perItem')) await perItem(sandbox);
		if (selected('returnAll')) await returnAll(sandbox);
		if (selected('verification')) await verification();
		if (selected('coldLoad')) coldLoad();
	} finally {
		stop();
	}
	const header = [
		'case',
		'node',
		'floor (fetch)',
		'@vonage/server-sdk',
		'node/floor',
		'node/sdk',
		'notes',
	];
	const lines = [
		`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Median of ${ROUNDS} interleaved rounds.`,
		'',
		`| ${header.join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
		...rows.map((row) => `| ${row.join(' | ')} |`),
	];
	notes.push(
		`The VIS credentials here (and in the n8n part) have Requests per Minute set to ${BENCH_VIS_REQUESTS_PER_MINUTE.toLocaleString('en')}: the nodes pace VIS requests to the credential's quota (10 a minute by default), ` +
			'which would make the VIS cases measure waiting. The stand-in enforces no quota, and no request is retried against it.',
	);
	if (notes.length) lines.push('', ...notes.map((note) => `- ${note}`));
	if (selected('n8n')) lines.push('', insideN8n());
	if (selected('voiceTurns')) lines.push('', voiceTurns());
	const table = lines.join('\n');
	process.stdout.write(`${table}\n`);
	if (!ONLY) fs.writeFileSync(path.join(ROOT, 'bench', 'latest.md'), `${table}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});

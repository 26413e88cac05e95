/**
 * Output schemas: n8n's editor maps the fields of a node that has not run yet from the schema it
 * asks for at /schemas/<package>.<node>/<version>[/<resource>/<operation>].json. n8n serves it from
 * the `__schema__` folder beside the node's file, at that exact version (n8n-core's
 * resolveOutputSchemaPath; the editor's schemaPreview store). A missing one is a 404 in the browser
 * console. The build copies the newest version's folder to the older versions (gulpfile.js,
 * build:schemas), so the sources hold each operation once.
 *
 * The schemas were derived from what the operations return against the stand-in; each operation that
 * runs without a file to download is run here again and must still fit its schema.
 */
import type { IDataObject, INodeType } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { VonageVisPollTrigger } from '../nodes/VonageVis/VonageVisPollTrigger.node';
import { VonageVisTrigger } from '../nodes/VonageVis/VonageVisTrigger.node';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { runNode } from '../scripts/harness/n8n';
import { fs, path, ROOT } from './helpers/node';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';

interface Schema {
	type: string;
	properties?: Record<string, Schema>;
	items?: Schema;
}

const versionsOf = (node: INodeType) => [node.description.version].flat();
const newest = (node: INodeType) => Math.max(...versionsOf(node));
const schemaDir = (folder: string) => path.join(ROOT, 'nodes', folder, '__schema__');

/** The source file that serves a request, as the build lays it out. */
function schemaFile(folder: string, version: number, resource?: string, operation?: string) {
	if (!resource) return path.join(schemaDir(folder), `v${version}.0.0.json`);
	const own = path.join(schemaDir(folder), `v${version}.0.0`, resource, `${operation}.json`);
	if (fs.existsSync(own)) return own;
	// Folders of older versions are copies of the newest one's.
	const newestMajor = Math.max(
		...fs
			.readdirSync(schemaDir(folder))
			.filter((name) => /^v\d+\.0\.0$/.test(name))
			.map((name) => Number(name.slice(1, name.indexOf('.')))),
	);
	return path.join(schemaDir(folder), `v${newestMajor}.0.0`, resource, `${operation}.json`);
}

const readSchema = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Schema;

function operationsOf(node: INodeType): Array<[string, string]> {
	return node.description.properties
		.filter((property) => property.name === 'operation')
		.flatMap((property) =>
			((property.displayOptions?.show?.resource as string[]) ?? []).flatMap((resource) =>
				(property.options as Array<{ value: string }>).map(
					(option) => [resource, option.value] as [string, string],
				),
			),
		);
}

const ACTION_NODES: Array<[string, INodeType]> = [
	['VonageVis', new VonageVis()],
	['VonagePlatform', new VonagePlatform()],
	['VonageVoice', new VonageVoice()],
];
const TRIGGERS: Array<[string, INodeType]> = [
	['VonageVis', new VonageVisTrigger()],
	['VonageVis', new VonageVisPollTrigger()],
	['VonageVoice', new VonageVoiceTrigger()],
];

/** The editor's own test of what it received (useRunWorkflow: type, and properties not empty). */
function expectUsable(schema: Schema) {
	expect(schema.type).toBe('object');
	expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
}

describe('every request the editor makes finds a schema', () => {
	test.each(ACTION_NODES)('%s: each version, resource and operation', (folder, node) => {
		const missing: string[] = [];
		for (const version of versionsOf(node))
			for (const [resource, operation] of operationsOf(node)) {
				const file = schemaFile(folder, version, resource, operation);
				if (!fs.existsSync(file)) missing.push(`v${version} ${resource}/${operation}`);
				else expectUsable(readSchema(file));
			}
		expect(missing).toEqual([]);
	});

	test.each(
		TRIGGERS.map(([folder, node]) => [node.description.displayName, folder, node] as const),
	)('%s: each version', (_name, folder, node) => {
		for (const version of versionsOf(node)) {
			const file = schemaFile(folder, version);
			expect([path.basename(file), fs.existsSync(file)]).toEqual([path.basename(file), true]);
			expectUsable(readSchema(file));
		}
	});

	test('the newest action versions have folders of their own; nothing else is in __schema__', () => {
		const expected = [
			...ACTION_NODES.map(([folder, node]) => `${folder}/v${newest(node)}.0.0`),
			...TRIGGERS.flatMap(([folder, node]) =>
				versionsOf(node).map((version) => `${folder}/v${version}.0.0.json`),
			),
		];
		const found = ['VonageVis', 'VonagePlatform', 'VonageVoice'].flatMap((folder) =>
			fs.readdirSync(schemaDir(folder)).map((name) => `${folder}/${name}`),
		);
		expect([...new Set(found)].sort()).toEqual([...new Set(expected)].sort());
	});
});

/** Each key of the value is in the schema, with the schema's type (null goes with any type). */
function misfits(value: unknown, schema: Schema, at = '$'): string[] {
	if (value === null || value === undefined) return [];
	const type = Array.isArray(value) ? 'array' : typeof value;
	if (type !== schema.type) return [`${at}: ${type}, schema says ${schema.type}`];
	if (type === 'object' && schema.properties)
		return Object.entries(value as IDataObject).flatMap(([key, inner]) =>
			schema.properties![key]
				? misfits(inner, schema.properties![key], `${at}.${key}`)
				: [`${at}.${key}: not in the schema`],
		);
	if (type === 'array' && schema.items)
		return (value as unknown[]).flatMap((inner, i) => misfits(inner, schema.items!, `${at}[${i}]`));
	return [];
}

describe('what the operations return fits their schemas', () => {
	let standin: Standin;
	beforeEach(async () => {
		standin = await startStandin();
	});
	afterEach(async () => {
		await Promise.allSettled(standin.state.pendingDeliveries ?? []);
		await standin.close();
	});

	/** What each operation needs besides its identifiers. The downloads need a recorded file. */
	const EXTRA: Record<string, IDataObject> = {
		'call:place': { phoneNumber: '14155550100' },
		'call:transfer': { phoneNumber: '14155550101' },
		'webhook:create': { url: 'https://example.com/vis', signingKey: 'k'.repeat(32) },
		'application:create': { name: 'schema-test-application' },
		'user:update': { updateFields: { displayName: 'Schema Test' } },
		'voiceCall:create': { toNumber: '14155550100', fromNumber: '14155550111' },
		'call:create': { toNumber: '14155550100', fromNumber: '14155550111' },
		'call:update': { action: 'mute' },
		'dtmf:send': { digits: '123' },
		'stream:play': { streamUrl: 'https://example.com/hold.mp3' },
		'talk:speak': { text: 'Hello' },
		'ncco:build': { nccoActions: { action: [{ type: 'talk', text: 'Hello' }] } },
	};
	const SKIPPED = ['recording:download', 'transcription:download'];

	test.each(ACTION_NODES)('%s, newest version', async (folder, node) => {
		const all = credentialsFor(standin);
		standin.seedEvents(3);
		const [voiceCall] = await runNode(new VonageVoice(), {
			parameters: { resource: 'call', operation: 'create', ...EXTRA['call:create'] },
			credentials: { vonageJwtApi: all.vonageJwtApi },
			typeVersion: 2,
		});
		const [webhook] = await runNode(new VonageVis(), {
			parameters: { resource: 'webhook', operation: 'create', ...EXTRA['webhook:create'] },
			credentials: { vonageVisPasswordApi: all.vonageVisPasswordApi },
		});
		const [user] = await runNode(new VonagePlatform(), {
			parameters: { resource: 'user', operation: 'create', name: 'schema-test-user' },
			credentials: { vonageJwtApi: all.vonageJwtApi },
		});
		const ids = {
			callId: String(standin.makeCall('14155550100', 'INBOUND', 'RINGING').id),
			eventId: String(standin.state.events[0].id),
			webhookId: String(webhook.json.id),
			callUuid: String(voiceCall.json.uuid),
			applicationId: standin.sandbox.applicationId,
			userId: String(user.json.id),
		};
		// Deletes last, so that the others find what they act on; the application last of all.
		const rank = ([resource, operation]: [string, string]) =>
			resource === 'application' && operation === 'delete' ? 2 : operation === 'delete' ? 1 : 0;
		const ran: string[] = [];
		const wrong: string[] = [];
		for (const [resource, operation] of operationsOf(node).sort((a, b) => rank(a) - rank(b))) {
			const pair = `${resource}:${operation}`;
			if (SKIPPED.includes(pair)) continue;
			// Answer, hold and the others act on a ringing call of their own.
			if (folder === 'VonageVis' && resource === 'call')
				ids.callId = String(standin.makeCall('14155550100', 'INBOUND', 'RINGING').id);
			const output = await runNode(node, {
				parameters: { resource, operation, ...ids, ...EXTRA[pair] },
				credentials: all,
				typeVersion: newest(node),
			});
			ran.push(pair);
			const schema = readSchema(schemaFile(folder, newest(node), resource, operation));
			wrong.push(...output.flatMap((item) => misfits(item.json, schema, pair)));
		}
		expect(wrong).toEqual([]);
		expect(
			ran.length + SKIPPED.filter((p) => operationsOf(node).some((o) => o.join(':') === p)).length,
		).toBe(operationsOf(node).length);
	});
});

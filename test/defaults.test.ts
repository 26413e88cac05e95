/**
 * No default acts by itself. Every operation of every action node is run as a user leaves it
 * after picking it: the identifiers filled in (a live call, an existing webhook, user or
 * application), every other field at its default. What reaches Vonage must be what the chosen
 * operation says, never an act that a default chose. A new operation fails here until it is listed.
 *
 * The Voice node's Update action is the case that was wrong: version 1 preselected Hang Up. Version 2
 * preselects nothing; version 1 keeps Hang Up, because n8n leaves a value equal to its default out of
 * a saved workflow, so an old Update node saved with Hang Up has no action stored.
 */
import { NodeHelpers, Workflow, type IDataObject, type INode, type INodeType } from 'n8n-workflow';

import { VonagePlatform } from '../nodes/VonagePlatform/VonagePlatform.node';
import { VonageVis } from '../nodes/VonageVis/VonageVis.node';
import { VonageVisPollTrigger } from '../nodes/VonageVis/VonageVisPollTrigger.node';
import { VonageVisTrigger } from '../nodes/VonageVis/VonageVisTrigger.node';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { VonageVoiceTrigger } from '../nodes/VonageVoice/VonageVoiceTrigger.node';
import { UPDATE_ACTION_SUBTITLES } from '../nodes/VonageVoice/actions/call';
import { nodeTypesOf, runNode } from '../scripts/harness/n8n';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';

let standin: Standin;
beforeEach(async () => {
	standin = await startStandin();
});
afterEach(async () => {
	await Promise.allSettled(standin.state.pendingDeliveries ?? []);
	await standin.close();
});

const newest = (node: INodeType) => Math.max(...[node.description.version].flat());

/** The resource:operation pairs a node offers, read from its Operation selectors. */
function operationsOf(node: INodeType): string[] {
	return node.description.properties
		.filter((property) => property.name === 'operation')
		.flatMap((property) =>
			((property.displayOptions?.show?.resource as string[]) ?? []).flatMap((resource) =>
				(property.options as Array<{ value: string }>).map(
					(option) => `${resource}:${option.value}`,
				),
			),
		);
}

/**
 * What each operation sends when only its identifiers are filled in: the writes that reach the
 * stand-in (reads and token requests left out), with ids as :id. Empty means nothing is written:
 * a required field is refused first, or the operation only reads.
 */
const EXPECTED: Record<string, Record<string, string[]>> = {
	vonageVis: {
		'account:get': [],
		'call:answer': ['PUT /self/calls/:id/answer'],
		'call:count': [],
		'call:end': ['DELETE /self/calls/:id'],
		'call:get': [],
		'call:hold': ['PUT /self/calls/:id/hold'],
		'call:list': [],
		'call:place': [], // Phone Number is required
		'call:voicemail': ['PUT /self/calls/:id/vmtransfer'],
		'call:transfer': [], // Phone Number is required
		'call:unhold': ['DELETE /self/calls/:id/hold'],
		'event:count': [],
		'event:get': [],
		'event:list': [],
		'user:get': [],
		'webhook:create': [], // URL is required
		'webhook:delete': ['DELETE /self/webhooks/:id'],
		'webhook:get': [],
		'webhook:list': [],
		'webhook:renew': ['PUT /self/webhooks/:id/renew'],
	},
	vonagePlatform: {
		'application:create': [], // Name is required
		'application:delete': ['DELETE /v2/applications/:id'],
		'application:get': [],
		'application:list': [],
		// Field by field with nothing given: the application is written back as it was read.
		'application:update': ['PUT /v2/applications/:id (unchanged)'],
		'user:create': ['POST /v1/users'], // Name may be empty: Vonage names the user
		'user:delete': ['DELETE /v1/users/:id'],
		'user:get': [],
		'user:list': [],
		'user:update': [], // at least one field is required
		'voiceCall:create': [], // Phone Number and From Number are required
	},
	vonageVoice: {
		'call:get': [],
		'call:list': [],
		'call:create': [], // Phone Number and From Number are required
		'call:update': [], // Action is required from version 2
		'dtmf:send': [], // Digits are required
		'ncco:build': [], // sends nothing: it outputs the NCCO
		'recording:download': [], // a GET, and the recording URL is empty from version 4
		'stream:play': [], // Audio URL is required
		'stream:stop': ['DELETE /v1/calls/:id/stream'],
		'talk:speak': [], // Text is required
		'talk:stop': ['DELETE /v1/calls/:id/talk'],
		'transcription:download': [], // a GET, and the transcription URL is empty here
	},
};

async function identifiers(): Promise<IDataObject> {
	const all = credentialsFor(standin);
	standin.seedEvents(3);
	const [voiceCall] = await runNode(new VonageVoice(), {
		parameters: {
			resource: 'call',
			operation: 'create',
			toNumber: '14155550100',
			fromNumber: '14155550111',
		},
		credentials: { vonageJwtApi: all.vonageJwtApi },
		typeVersion: 2,
	});
	const [webhook] = await runNode(new VonageVis(), {
		parameters: {
			resource: 'webhook',
			operation: 'create',
			url: 'https://example.com/vis',
			signingKey: 'k'.repeat(32),
		},
		credentials: { vonageVisPasswordApi: all.vonageVisPasswordApi },
	});
	const [user] = await runNode(new VonagePlatform(), {
		parameters: { resource: 'user', operation: 'create', name: 'defaults-test-user' },
		credentials: { vonageJwtApi: all.vonageJwtApi },
	});
	return {
		callId: String(standin.makeCall('14155550100', 'INBOUND', 'RINGING').id),
		eventId: String(standin.state.events[0].id),
		webhookId: String(webhook.json.id),
		callUuid: String(voiceCall.json.uuid),
		applicationId: standin.sandbox.applicationId,
		userId: String(user.json.id),
	};
}

/** The writes a run sent, ids replaced by :id. */
function writesSince(count: number, ids: IDataObject): string[] {
	const idPattern = new RegExp(
		Object.values(ids)
			.map((id) => encodeURIComponent(String(id)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
			.join('|'),
		'g',
	);
	return standin
		.requests()
		.slice(count)
		.filter((request) => request.method !== 'GET' && request.path !== '/token')
		.map(
			(request) =>
				`${request.method} ${request.path.replace('/t/vbc.prod/vis/v1', '').replace(idPattern, ':id')}`,
		);
}

describe('an operation run with only its identifiers filled in does what its name says, and nothing a default chose', () => {
	test.each([
		['vonageVis', new VonageVis()],
		['vonagePlatform', new VonagePlatform()],
		['vonageVoice', new VonageVoice()],
	] as Array<[string, INodeType]>)('%s, newest version', async (name, node) => {
		expect(operationsOf(node).sort()).toEqual(Object.keys(EXPECTED[name]).sort());
		const ids = await identifiers();
		const sent: Record<string, string[]> = {};
		// Deletes last, so that the others still find what they act on; the application (whose key signs
		// the Users API's tokens) last of all.
		const rank = (pair: string) =>
			pair === 'application:delete' ? 2 : pair.endsWith(':delete') ? 1 : 0;
		const pairs = operationsOf(node).sort((a, b) => rank(a) - rank(b));
		for (const pair of pairs) {
			const [resource, operation] = pair.split(':');
			const before = standin.requests().length;
			const applicationBefore = JSON.stringify(
				standin.state.applications.get(standin.sandbox.applicationId)?.capabilities,
			);
			await runNode(node, {
				parameters: { resource, operation, ...ids },
				credentials: credentialsFor(standin),
				typeVersion: newest(node),
			}).catch(() => undefined);
			sent[pair] = writesSince(before, ids).map((write) =>
				write.startsWith('PUT /v2/applications/') &&
				JSON.stringify(
					standin.state.applications.get(standin.sandbox.applicationId)?.capabilities,
				) === applicationBefore
					? `${write} (unchanged)`
					: write,
			);
		}
		expect(sent).toEqual(EXPECTED[name]);
	});
});

describe('Vonage Voice → Update a call', () => {
	const parametersOf = (typeVersion: number, stored: IDataObject) => {
		const voice = new VonageVoice();
		const node: INode = {
			id: 'n',
			name: 'Update',
			type: 'n8n-nodes-vonage.vonageVoice',
			typeVersion,
			position: [0, 0],
			parameters: stored as INode['parameters'],
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: nodeTypesOf(voice),
		});
		const withDefaults = workflow.getNode('Update')!;
		return {
			parameters: withDefaults.parameters,
			issues: NodeHelpers.getNodeParametersIssues(
				voice.description.properties,
				withDefaults,
				voice.description,
			),
			saved: NodeHelpers.getNodeParameters(
				voice.description.properties,
				withDefaults.parameters,
				false,
				false,
				withDefaults,
				voice.description,
			),
			subtitle: workflow.expression.getSimpleParameterValue(
				withDefaults,
				voice.description.subtitle,
				'internal',
				{},
			),
		};
	};

	test('a new node (version 2 and later) preselects no action: n8n marks it required, and the subtitle says Update', () => {
		expect(new VonageVoice().description.defaultVersion).toBe(4);
		const added = parametersOf(2, { resource: 'call', operation: 'update' });
		expect(added.parameters.action).toBe('');
		expect(added.issues?.parameters?.action).toEqual(['Parameter "Action" is required.']);
		expect(added.subtitle).toBe('Update a call');
	});

	test('a version-1 node saved without an action still hangs up, as it did when it was saved', () => {
		// n8n saved Hang Up by leaving it out, since it equalled the default.
		expect(
			parametersOf(1, { resource: 'call', operation: 'update', action: 'hangup' }).saved,
		).not.toHaveProperty('action');
		const old = parametersOf(1, {
			resource: 'call',
			operation: 'update',
			callUuid: '63f61863-4a51-4f6b-86e1-46edebcf9356',
		});
		expect(old.parameters.action).toBe('hangup');
		expect(old.issues).toBeNull();
		expect(old.subtitle).toBe('Hang up a call');
	});

	test.each(Object.entries(UPDATE_ACTION_SUBTITLES))(
		'the subtitle of an Update set to %s reads "%s"',
		(action, text) => {
			expect(parametersOf(2, { resource: 'call', operation: 'update', action }).subtitle).toBe(
				text,
			);
			// A chosen action is stored in a version-2 workflow, as it differs from the empty default.
			expect(
				parametersOf(2, { resource: 'call', operation: 'update', action }).saved,
			).toHaveProperty('action', action);
		},
	);

	test('run with no action chosen, it says so and sends nothing to the call', async () => {
		const ids = await identifiers();
		const before = standin.requests().length;
		await expect(
			runNode(new VonageVoice(), {
				parameters: { resource: 'call', operation: 'update', callUuid: ids.callUuid },
				credentials: credentialsFor(standin),
				typeVersion: 2,
			}),
		).rejects.toThrow(
			/^Action: choose what to do to the call \(earmuff, hangup, mute, transfer, unearmuff, unmute\); none is preselected$/,
		);
		expect(writesSince(before, ids)).toEqual([]);
		expect(standin.state.v1Calls.get(ids.callUuid).status).not.toBe('completed');
	});
});

/**
 * CONTRIBUTING, "Defaults": no field of a node added today defaults to a value of the item before
 * (`$json`, `$input`, `$('…')`). IDs and URLs start empty and are mapped by the user, from the
 * input or, before a run, from the output schema of the node before.
 */
describe('no default points at the item before', () => {
	const POINTS_BACK = /\$json|\$input|\$\(/;
	type Property = { name: string; default?: unknown; displayOptions?: IDataObject };
	const pointingBack = (properties: Property[]): Property[] =>
		properties.flatMap((property) => [
			...(typeof property.default === 'string' && POINTS_BACK.test(property.default)
				? [property]
				: []),
			...pointingBack(
				((property as IDataObject).options as Property[] | undefined)?.filter(
					(option) => typeof option === 'object' && 'name' in option && 'default' in option,
				) ?? [],
			),
			...pointingBack(((property as IDataObject).values as Property[] | undefined) ?? []),
		]);

	test.each([
		new VonageVis(),
		new VonageVisTrigger(),
		new VonageVisPollTrigger(),
		new VonagePlatform(),
		new VonageVoice(),
		new VonageVoiceTrigger(),
	] as INodeType[])('$description.displayName, newest version', (node) => {
		const stillPointing = pointingBack(node.description.properties as Property[]).filter(
			(property) => {
				const versions = (property.displayOptions?.show as IDataObject | undefined)?.['@version'];
				// Only a field kept for older versions may still point back.
				return !(
					Array.isArray(versions) &&
					versions.every((v) => typeof v === 'number' && v < newest(node))
				);
			},
		);
		expect(stillPointing.map((property) => property.name)).toEqual([]);
	});

	test.each([
		['recording', 'recording_url', 'recordingUrl'],
		['transcription', 'transcription_url', 'transcriptionUrl'],
	])(
		'%s → Download: a version-3 node saved without a URL still reads the event’s %s; version 4 starts empty',
		(resource, field, name) => {
			const parametersAt = (typeVersion: number) => {
				const voice = new VonageVoice();
				const node: INode = {
					id: 'n',
					name: 'Download',
					type: 'n8n-nodes-vonage.vonageVoice',
					typeVersion,
					position: [0, 0],
					parameters: { resource, operation: 'download' },
				};
				const workflow = new Workflow({
					nodes: [node],
					connections: {},
					active: false,
					nodeTypes: nodeTypesOf(voice),
				});
				return workflow.getNode('Download')!.parameters;
			};
			for (const version of [1, 2, 3])
				expect(parametersAt(version)[name]).toBe(`={{ $json.${field} }}`);
			expect(parametersAt(4)[name]).toBe('');
		},
	);
});

/**
 * Hosts the VIS trigger the way n8n does, with n8n-core's own HookContext (activation) and
 * WebhookContext (deliveries) on a real HTTP listener, so the stand-in can deliver to it.
 */
import { HookContext, TriggerContext, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeType,
	IRun,
	ITriggerResponse,
	IWebhookData,
	WorkflowActivateMode,
} from 'n8n-workflow';

import { VonageVisTrigger } from '../../nodes/VonageVis/VonageVisTrigger.node';
import { additionalDataFor, workflowWith } from '../../scripts/harness/n8n';
import {
	http,
	setTimeout,
	type AddressInfo,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from './node';
import { credentialsFor, type Standin } from './standin';

/**
 * What n8n 2.41's body parser (`packages/cli/src/middlewares/body-parser.ts` with
 * `parseIncomingMessage` of @n8n/backend-network) does before a trigger's webhook() runs: JSON
 * only for exactly `application/json`, decoded with the charset the sender declares (utf-8 when
 * none, the last one when repeated), a leading BOM dropped. A parse failure is n8n's 422.
 */
export function parseBodyAsN8nDoes(
	contentTypeHeader: string | undefined,
	rawBody: Buffer,
): unknown {
	const [type, ...parameters] = String(contentTypeHeader ?? '').split(';');
	let charset = 'utf-8';
	for (const parameter of parameters) {
		const at = parameter.indexOf('=');
		if (at !== -1 && parameter.slice(0, at).trim().toLowerCase() === 'charset') {
			charset = parameter
				.slice(at + 1)
				.trim()
				.replace(/^"|"$/g, '')
				.toLowerCase();
		}
	}
	if (type.toLowerCase() !== 'application/json' || rawBody.length === 0) return {};
	const text = rawBody.toString(charset as BufferEncoding);
	return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

export interface Emitted {
	items: INodeExecutionData[];
	deduplicationKey?: string;
	savedStaticData: IDataObject;
	confirm(): void;
	/** n8n could not store it (its database down): no row, so the key is free again. */
	fail(error: Error): void;
}

export interface TriggerHarness {
	url: string;
	/** The id of the workflow the trigger is in. */
	workflowId: string;
	/** Every request the listener (this trigger's n8n) received, also for other webhooks. */
	heard: Array<{ method: string; url: string }>;
	/** Serves another webhook of the same n8n (a Webhook node's, say) at <base>/webhook/<id>/…. */
	serve(webhookId: string, handler: RequestHandler): void;
	/** First output of each started run. */
	executions: INodeExecutionData[][];
	/** Every output of each started run. */
	runs: INodeExecutionData[][][];
	/** Milliseconds each call of the node's webhook() took (after n8n's body parsing). */
	webhookMs: number[];
	staticData: () => IDataObject;
	/** Runs a webhook method as n8n does on publication ('activate') or at its start ('init'). */
	hook(
		method: 'checkExists' | 'create' | 'delete',
		activation?: WorkflowActivateMode,
	): Promise<boolean>;
	/**
	 * Items the node's trigger() emitted, each as one execution, with n8n's deduplication key, the
	 * node's static data as n8n saves it on that emit, and the settling of the emit's done promise.
	 */
	emitted: Emitted[];
	/** Emits n8n refused as duplicates of a stored execution (by deduplication key). */
	refused: string[];
	/** When false, an emit's execution is confirmed (stored and run) only when the test says so. */
	autoConfirm: boolean;
	/** Errors the node's trigger() reported as failed executions. */
	failedExecutions: Error[];
	/** n8n's mode for the requests: 'manual' is a test run ("Execute step"). */
	webhookMode: 'webhook' | 'manual';
	/**
	 * What n8n answers after the run, for a webhook in lastNode mode whose webhook() started one
	 * (n8n then ignores a webhookResponse): the last node's output (an error is n8n's 500 "Error in
	 * workflow"), after `afterMs`. Unset: "Workflow was started" at once.
	 */
	lastNodeAnswer?: (run: INodeExecutionData[][]) => {
		body: unknown;
		code?: number;
		afterMs?: number;
	};
	/**
	 * Runs trigger() in n8n's TriggerContext, as n8n does on start ('init') or publication: the
	 * hosted node's, or that of `loadedAfresh`, the same node type as another n8n process has it.
	 */
	startTrigger(
		activation: WorkflowActivateMode,
		loadedAfresh?: INodeType,
	): Promise<ITriggerResponse>;
	/** Runs checkExists and, when it says no, create: what n8n does on activation. */
	activate(): Promise<void>;
	close(): Promise<void>;
}

/** Signs in with the password grant unless an OAuth2 credential (as n8n stores it) is given. */
export async function startTrigger(
	standin: Standin,
	options: IDataObject = {},
	oAuth2Credential?: ICredentialDataDecryptedObject,
): Promise<TriggerHarness> {
	const [credentialType, parameters] = oAuth2Credential
		? ['vonageVisOAuth2Api', { authentication: 'oAuth2', options }]
		: ['vonageVisPasswordApi', { options }];
	return await hostTrigger(new VonageVisTrigger(), parameters, {
		[credentialType]: oAuth2Credential ?? credentialsFor(standin).vonageVisPasswordApi,
	});
}

/**
 * Hosts any trigger node: n8n's HookContext for activation, and for each request the webhook of
 * the node's description whose path the URL ends with, run in n8n's WebhookContext.
 */
/** Where a hosted trigger is: its workflow's name, its webhook id, and the n8n it shares. */
export interface HostOptions {
	/** Another harness whose listener (its n8n) serves this trigger too, beside it. */
	sameN8nAs?: TriggerHarness;
	webhookId?: string;
	workflowName?: string;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** One listener, as one n8n: each request goes to the trigger whose webhook id its path names. */
interface Listener {
	server: Server;
	base: string;
	triggers: Map<string, RequestHandler>;
	heard: Array<{ method: string; url: string }>;
}

const listeners = new WeakMap<TriggerHarness, Listener>();

async function newListener(): Promise<Listener> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const triggers = new Map<string, RequestHandler>();
	const heard: Listener['heard'] = [];
	server.on('request', (req, res) => {
		heard.push({ method: String(req.method), url: String(req.url) });
		const webhookId = /^\/webhook(?:-test)?\/([^/?]+)\//.exec(req.url ?? '')?.[1] ?? '';
		const handler = triggers.get(webhookId);
		if (handler) return handler(req, res);
		// As n8n answers a production webhook that no published workflow has.
		req.resume();
		res.writeHead(404, { 'content-type': 'application/json' }).end(
			JSON.stringify({
				code: 404,
				message: `The requested webhook "${String(req.method)} ${String(req.url)}" is not registered.`,
			}),
		);
	});
	return {
		server,
		base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		triggers,
		heard,
	};
}

export async function hostTrigger(
	nodeType: INodeType,
	parameters: IDataObject,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	typeVersion = 1,
	host: HostOptions = {},
): Promise<TriggerHarness> {
	const executions: INodeExecutionData[][] = [];
	const emitted: Emitted[] = [];
	const refused: string[] = [];
	const failedExecutions: Error[] = [];
	// n8n's execution table has a unique index on the deduplication key.
	const deduplicationKeys = new Set<string>();
	const runs: INodeExecutionData[][][] = [];
	const webhookMs: number[] = [];
	const listener = host.sameN8nAs ? listeners.get(host.sameN8nAs)! : await newListener();
	const { server, base } = listener;
	const additionalData = additionalDataFor(credentials);
	Object.assign(additionalData, {
		webhookBaseUrl: `${base}/webhook`,
		webhookTestBaseUrl: `${base}/webhook-test`,
	});
	const { workflow, node } = workflowWith(
		nodeType,
		parameters,
		Object.keys(credentials),
		{},
		typeVersion,
	);
	if (host.webhookId) node.webhookId = host.webhookId;
	if (host.workflowName) workflow.name = host.workflowName;
	const descriptions = nodeType.description.webhooks!;
	const webhookDataFor = (url: string) => {
		const description =
			descriptions.find((d) => url.split('?')[0].endsWith(`/${String(d.path)}`)) ?? descriptions[0];
		return {
			httpMethod: description.httpMethod,
			node: node.name,
			path: description.path,
			webhookDescription: description,
			workflowId: workflow.id,
			webhookId: node.webhookId,
		} as unknown as IWebhookData;
	};

	listener.triggers.set(String(node.webhookId), (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', async () => {
			const rawBody = Buffer.concat(chunks);
			let body: unknown;
			try {
				body = parseBodyAsN8nDoes(req.headers['content-type'], rawBody);
			} catch (error) {
				res.writeHead(422).end(`Failed to parse request body: ${(error as Error).message}`);
				return;
			}
			// From version 2 on (these triggers' default), n8n reads the bytes before webhook() only
			// for the media types it parses; for others it leaves its reader on the request.
			const mediaType = String(req.headers['content-type'] ?? '')
				.split(';')[0]
				.trim()
				.toLowerCase();
			const n8nReadsIt =
				/^(application\/json|text\/plain|application\/x-www-form-urlencoded)/.test(mediaType) ||
				/[/+]xml$/.test(mediaType);
			// Express parses the query string for n8n.
			Object.assign(req, {
				query: Object.fromEntries(new URL(req.url ?? '/', base).searchParams),
			});
			if (n8nReadsIt) Object.assign(req, { rawBody, body });
			else
				Object.assign(req, { body: {}, readRawBody: async () => Object.assign(req, { rawBody }) });
			// As much of Express's response as n8n and the nodes use.
			let statusCode = 200;
			const response = {
				get headersSent() {
					return res.headersSent;
				},
				status(code: number) {
					statusCode = code;
					return response;
				},
				json: (payload: unknown) => response.send(JSON.stringify(payload)),
				send(payload: unknown) {
					res.writeHead(statusCode, { 'content-type': 'application/json' }).end(payload);
					return response;
				},
				setHeader: (name: string, value: string) => res.setHeader(name, value),
				on(event: 'close', listener: () => void) {
					res.on(event, listener);
					return response;
				},
			};
			const context = new WebhookContext(
				workflow,
				node,
				{ ...additionalData, httpRequest: req, httpResponse: response } as never,
				harness.webhookMode,
				webhookDataFor(req.url ?? ''),
				[],
				null,
			);
			try {
				const started = performance.now();
				const result = await nodeType.webhook!.call(context);
				webhookMs.push(performance.now() - started);
				if (result.noWebhookResponse) return;
				if (result.workflowData) {
					executions.push(result.workflowData[0]);
					runs.push(result.workflowData);
				}
				// As n8n 2.41 (webhook-helpers.js): a webhookResponse is sent before the run only when
				// webhook() starts none, or in onReceived mode; in lastNode mode n8n waits for the run.
				const waitsForRun =
					result.workflowData !== undefined &&
					webhookDataFor(req.url ?? '').webhookDescription.responseMode === 'lastNode';
				const answer: { body: unknown; code?: number; afterMs?: number } = !waitsForRun
					? { body: result.webhookResponse ?? { message: 'Workflow was started' } }
					: harness.lastNodeAnswer
						? harness.lastNodeAnswer(result.workflowData!)
						: { body: { message: 'Workflow was started' } };
				const afterMs = answer.afterMs ?? 0;
				if (afterMs) await new Promise((resolve) => setTimeout(resolve, afterMs));
				response.status(answer.code ?? 200).json(answer.body);
			} catch (error) {
				res.writeHead(500).end(String((error as Error).message));
			}
		});
	});

	const harness: TriggerHarness = {
		url: `${base}/webhook/${node.webhookId}/${String(descriptions[0].path)}`,
		workflowId: String(workflow.id),
		heard: listener.heard,
		serve: (webhookId, handler) => listener.triggers.set(webhookId, handler),
		executions,
		runs,
		webhookMs,
		staticData: () => workflow.getStaticData('node', node),
		emitted,
		refused,
		autoConfirm: true,
		failedExecutions,
		webhookMode: 'webhook',
		startTrigger: async (activation, loadedAfresh) =>
			(await (loadedAfresh ?? nodeType).trigger!.call(
				new TriggerContext(
					workflow,
					node,
					additionalData,
					'trigger',
					activation,
					(data, _response, done, deduplicationKey) => {
						// n8n starts saving static data as the trigger emits, and writes the live object after a
						// database round trip, before the execution exists.
						const savedStaticData: IDataObject = {};
						setTimeout(
							() =>
								Object.assign(savedStaticData, JSON.parse(JSON.stringify(harness.staticData()))),
							1,
						);
						if (deduplicationKey !== undefined) {
							if (deduplicationKeys.has(deduplicationKey)) {
								refused.push(deduplicationKey);
								done?.resolve(undefined as unknown as IRun);
								return;
							}
							deduplicationKeys.add(deduplicationKey);
						}
						const entry: Emitted = {
							items: data[0],
							deduplicationKey,
							savedStaticData,
							confirm: () => done?.resolve({} as IRun),
							fail: (error) => {
								if (deduplicationKey !== undefined) deduplicationKeys.delete(deduplicationKey);
								done?.reject(error);
							},
						};
						emitted.push(entry);
						if (harness.autoConfirm) entry.confirm();
					},
					() => undefined,
					(error) => failedExecutions.push(error),
				),
			)) as ITriggerResponse,
		hook: (method, activation = 'activate') =>
			nodeType.webhookMethods!.default![method]!.call(
				new HookContext(workflow, node, additionalData, 'trigger', activation),
			),
		async activate() {
			if (!(await harness.hook('checkExists'))) await harness.hook('create');
		},
		async close() {
			listener.triggers.delete(String(node.webhookId));
			if (host.sameN8nAs) return;
			// The n8n that hosts it stops: a request still waiting (a webhook that never answers) too.
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	listeners.set(harness, listener);
	return harness;
}

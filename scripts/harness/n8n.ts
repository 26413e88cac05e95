/**
 * Runs a node the way n8n runs it: a real n8n-core ExecuteContext over a real Workflow, so
 * parameter defaults, expressions, credential lookup (including displayOptions), Continue On
 * Fail and helpers.httpRequest (axios) are n8n's own. Only credential storage is replaced.
 */
import { ExecuteContext } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

export interface RunOptions {
	parameters: IDataObject;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	items?: IDataObject[];
	continueOnFail?: boolean;
	/** The node's type version; 1 unless given. */
	typeVersion?: number;
}

export function nodeTypesOf(...types: INodeType[]): INodeTypes {
	const byName = new Map(types.map((t) => [t.description.name, t]));
	return {
		getByName: (name: string) => byName.get(name.replace(/^.*\./, ''))!,
		getByNameAndVersion: (name: string) => byName.get(name.replace(/^.*\./, ''))!,
		getKnownTypes: () => ({}),
	} as INodeTypes;
}

/**
 * Credential storage for n8n-core, as n8n's CredentialsHelper provides it. OAuth2 credential types
 * (named *OAuth2Api) get `oAuth2Api` as their parent, so n8n-core's own OAuth2 signing and refresh
 * run; refreshed tokens are written back here, where the test can read them.
 */
export function additionalDataFor(
	credentials: Record<string, ICredentialDataDecryptedObject> = {},
) {
	return {
		credentialsHelper: {
			getDecrypted: async (_data: unknown, _nodeCredentials: unknown, type: string) => {
				if (!credentials[type]) throw new Error(`test gave no credential of type ${type}`);
				return { ...credentials[type] };
			},
			getParentTypes: (type: string) => (/OAuth2Api$/.test(type) ? ['oAuth2Api'] : []),
			isCredentialUsableByNode: () => true,
			authenticate: async (_c: unknown, _t: unknown, options: unknown) => options,
			preAuthentication: async () => undefined,
			runPreAuthentication: async () => undefined,
			updateCredentials: async () => undefined,
			updateCredentialsOauthTokenData: async (
				_n: unknown,
				type: string,
				data: ICredentialDataDecryptedObject,
			) => {
				credentials[type] = { ...credentials[type], oauthTokenData: data.oauthTokenData };
			},
			getCredentialsProperties: () => [],
		},
		executionId: 'test-execution',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook/',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting/',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting/',
		variables: {},
		hooks: undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * Each workflow gets an id of its own: what the triggers remember in the process's memory per
 * workflow and node (deliveries and events already run) is then never another test's.
 */
let workflows = 0;
export function workflowWith(
	nodeType: INodeType,
	parameters: IDataObject,
	credentials: string[],
	staticData?: IDataObject,
	typeVersion = 1,
) {
	const node: INode = {
		id: 'node-under-test',
		name: nodeType.description.defaults.name ?? nodeType.description.displayName,
		type: `n8n-nodes-vonage.${nodeType.description.name}`,
		typeVersion,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: Object.fromEntries(
			credentials.map((type) => [type, { id: `cred-${type}`, name: type }]),
		),
		webhookId: 'test-webhook-id',
	};
	const workflow = new Workflow({
		id: `test-workflow-${++workflows}`,
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf(nodeType),
		staticData,
	});
	return { workflow, node: workflow.getNode(node.name)! };
}

export async function runNode(
	nodeType: INodeType,
	options: RunOptions,
): Promise<INodeExecutionData[]> {
	const credentials = options.credentials ?? {};
	const { workflow, node } = workflowWith(
		nodeType,
		options.parameters,
		Object.keys(credentials),
		undefined,
		options.typeVersion,
	);
	if (options.continueOnFail) node.onError = 'continueRegularOutput';
	const items: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
	const inputData = { main: [items] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalDataFor(credentials),
		'manual',
		createRunExecutionData(),
		0,
		items,
		inputData,
		{ node, data: inputData, source: null },
		[],
	);
	const [output] = (await nodeType.execute!.call(context)) as INodeExecutionData[][];
	return output;
}

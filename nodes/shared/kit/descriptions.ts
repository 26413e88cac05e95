import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

/** "Return All" and "Limit" fields, as every n8n list operation shows them. */
export function returnAllAndLimit(
	resource: string,
	operation: string,
	maxLimit?: number,
): INodeProperties[] {
	const show = { resource: [resource], operation: [operation] };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: { show },
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: { show: { ...show, returnAll: [false] } },
			typeOptions: { minValue: 1, ...(maxLimit ? { maxValue: maxLimit } : {}) },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}

/**
 * The two ways to sign in to VIS. Password grant stays the default so that workflows saved before
 * the choice existed keep their credential.
 */
export const visCredentials: INodeTypeDescription['credentials'] = [
	{
		name: 'vonageVisPasswordApi',
		required: true,
		displayOptions: { show: { authentication: ['passwordGrant'] } },
	},
	{
		name: 'vonageVisOAuth2Api',
		required: true,
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
];

export const visAuthentication: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Password Grant',
			value: 'passwordGrant',
			description: 'Consumer key/secret with a VBC username and password',
		},
		{
			name: 'OAuth2 (Connect Button)',
			value: 'oAuth2',
			description: 'Sign in at Vonage with the Connect button; no password is stored in n8n',
		},
	],
	default: 'passwordGrant',
	description:
		'How the node signs in as the VBC user whose line it controls. Each way has its own credential type: Password Grant stores that user’s VBC password in n8n, OAuth2 stores only the tokens of a sign-in at Vonage.',
};

/**
 * The words n8n's node picker lists a trigger under. Without a top-level field named "Trigger On"
 * (or "Event", "Events"), n8n 2.41 makes up "On new <node name> event" (n8n-editor-ui,
 * workflows.store); with one, each option is an entry, worded by its `action`. This one is hidden
 * and holds no setting: it only words the entry.
 */
export function pickerEntry(action: string, description: string): INodeProperties {
	return {
		displayName: 'Trigger On',
		name: 'triggerOn',
		type: 'hidden',
		default: 'callEvent',
		options: [{ name: 'Call Event', value: 'callEvent', action, description }],
	};
}

/** How an API spells a direction's value (VIS upper case, Voice lower). */
type DirectionSpelling = (word: 'any' | 'inbound' | 'outbound') => string;

/** A call's two directions as options; with `line`, each says what it means for that line. */
export function callDirections(spell: DirectionSpelling, line?: string): INodePropertyOptions[] {
	return [
		{ name: 'Inbound', value: spell('inbound'), ...(line && { description: `Calls to ${line}` }) },
		{
			name: 'Outbound',
			value: spell('outbound'),
			...(line && { description: `Calls placed from ${line}` }),
		},
	];
}

/** The triggers' Direction filter: any, or one of the two. */
export function directionFilter(spell: DirectionSpelling): INodeProperties {
	return {
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		options: [{ name: 'Any', value: spell('any') }, ...callDirections(spell)],
		default: spell('any'),
		description: 'Which calls start the workflow',
	};
}

/** Shown for every operation of an action node; read by the transport (`requestOptions.timeoutSeconds`). */
export const requestOptions: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 600 },
			default: 30,
			description:
				'How long each attempt may take from sending to the last byte of the answer, token requests included. A slower answer is an error; reads are retried.',
		},
	],
};

/** Ascending and descending as options; each API spells the values its own way (VIS upper case). */
export function sortOrders(spell: (order: 'asc' | 'desc') => string): INodePropertyOptions[] {
	return [
		{ name: 'Ascending', value: spell('asc'), description: 'Oldest or smallest first' },
		{ name: 'Descending', value: spell('desc'), description: 'Newest or largest first' },
	];
}

/** Ascending/descending, as the Users and Voice call lists take it (`order`). */
export const sortOrderOption: INodeProperties = {
	displayName: 'Order',
	name: 'order',
	type: 'options',
	options: sortOrders((order) => order),
	default: 'asc',
	description:
		'The order in which Vonage returns the results (its own sort key). Not set means ascending.',
};

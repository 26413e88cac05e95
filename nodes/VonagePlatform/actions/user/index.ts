import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllAndLimit, sortOrderOption } from '../../../shared/kit/descriptions';
import { requiredId } from '../../../shared/kit/itemHelpers';
import { operationSelector } from '../../../shared/kit/operationSelector';
import { usersPaginate } from '../../../shared/request/pagination';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { FieldError } from '../../../shared/kit/validation';

const show = (operation: string[]) => ({ show: { resource: ['user'], operation } });

const numberChannel = (
	name: string,
	displayName: string,
	type: 'string' | 'number' = 'string',
) => ({
	name,
	displayName,
	values: [
		{
			displayName: 'Number',
			name: 'number',
			type,
			default: type === 'number' ? 0 : '',
			...(type === 'string' ? { placeholder: '14155550100' } : {}),
			description: `The user’s ${displayName} number in international format, digits only (country code first, e.g. 14155550100)`,
		} as INodeProperties,
	],
});

const CHANNELS = [
	{
		name: 'messenger',
		displayName: 'Messenger',
		values: [
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				default: '',
				description: 'The user’s Facebook Messenger ID',
			} as INodeProperties,
		],
	},
	numberChannel('mms', 'MMS'),
	numberChannel('pstn', 'PSTN', 'number'),
	{
		name: 'sip',
		displayName: 'SIP',
		values: [
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'The password the SIP endpoint asks for, if it asks; empty when it does not',
			},
			{
				displayName: 'URI',
				name: 'uri',
				type: 'string',
				default: '',
				placeholder: 'sip:4442138907@sip.example.com;transport=tls',
				description: 'The SIP address that calls to the user ring',
			},
			{
				displayName: 'Username',
				name: 'username',
				type: 'string',
				default: '',
				description: 'The user name the SIP endpoint asks for, if it asks; empty when it does not',
			},
		] as INodeProperties[],
	},
	numberChannel('sms', 'SMS'),
	{
		name: 'vbc',
		displayName: 'VBC',
		values: [
			{
				displayName: 'Extension',
				name: 'extension',
				type: 'string',
				default: '',
				placeholder: '1001',
				description: 'The user’s Vonage Business Communications extension, digits only',
			} as INodeProperties,
		],
	},
	numberChannel('viber', 'Viber'),
	{
		name: 'websocket',
		displayName: 'WebSocket',
		values: [
			{
				displayName: 'Content Type',
				name: 'contentType',
				type: 'options',
				options: [
					{ name: 'Linear PCM 16 kHz', value: 'audio/l16;rate=16000' },
					{ name: 'Linear PCM 8 kHz', value: 'audio/l16;rate=8000' },
				],
				default: 'audio/l16;rate=16000',
				description: 'The audio format Vonage streams to the WebSocket',
			},
			{
				displayName: 'Headers (JSON)',
				name: 'headers',
				type: 'json',
				default: '{}',
				description:
					'Headers Vonage sends when it opens the WebSocket, as a JSON object, e.g. {"customer": "42"}',
			},
			{
				displayName: 'URI',
				name: 'uri',
				type: 'string',
				default: '',
				placeholder: 'wss://example.com/socket',
				description:
					'The ws:// or wss:// URL of the WebSocket server that calls to the user connect to',
			},
		] as INodeProperties[],
	},
	numberChannel('whatsapp', 'WhatsApp'),
];

/** What PATCH /v1/users/{id} accepts: name, display name, image and channels. */
const updatableUserFields: INodeProperties[] = [
	{
		displayName: 'Display Name',
		name: 'displayName',
		type: 'string',
		default: '',
		placeholder: 'Jamie Doe',
		description: 'The name other users see, e.g. in a Client SDK app',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/avatar.png',
		description: 'A public URL of the user’s picture',
	},
];

/** Create also takes `properties` (custom data, TTL), which the update endpoint does not declare. */
const userFields: INodeProperties[] = [
	{
		displayName: 'Custom Data (JSON)',
		name: 'customData',
		type: 'json',
		default: '{}',
		description:
			'Stored as properties.custom_data. Set at creation only: the Users API cannot change it later.',
	},
	...updatableUserFields,
	{
		displayName: 'TTL (Seconds)',
		name: 'ttl',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 3600,
		description: 'How long the user lives (properties.ttl). Set at creation only.',
	},
];

export const userDescription: INodeProperties[] = [
	operationSelector('user', 'list', [
		{
			name: 'Create',
			value: 'create',
			action: 'Create a user',
			description: 'Create a user of the application, with its channels',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete a user',
			description: 'Delete a user by its ID',
		},
		{ name: 'Get', value: 'get', action: 'Get a user', description: 'Read a user by its ID' },
		{
			name: 'List',
			value: 'list',
			action: 'List users',
			description: 'List the application’s users, page by page',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update a user',
			description: 'Change a user’s name, display name, image or channels',
		},
	]),
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'USR-82e028d9-5201-4f1e-8188-604b2d3471ec',
		description:
			'The ID of the user (starts USR-): the ID that Create a User or List Users outputs',
		displayOptions: show(['get', 'update', 'delete']),
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		displayOptions: show(['create']),
		description: 'Unique name, no spaces. Vonage generates one when empty.',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show(['create']),
		options: userFields,
	},
	{
		displayName:
			'Custom data and TTL are set when a user is created: the Users API (PATCH /v1/users) does not change them. To change them, delete and create the user.',
		name: 'updateNotice',
		type: 'notice',
		default: '',
		displayOptions: show(['update']),
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show(['update']),
		options: [
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'The new unique name of the user, without spaces',
			},
			...updatableUserFields,
		],
	},
	{
		displayName: 'Channels',
		name: 'channels',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Channel',
		default: {},
		displayOptions: show(['create', 'update']),
		description: 'On Update, a channel type given here replaces that type’s current entries',
		options: CHANNELS,
	},
	...returnAllAndLimit('user', 'list'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show(['list']),
		options: [
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Only the user with this exact name',
			},
			sortOrderOption,
		],
	},
];

function parseJsonObject(value: unknown, label: string): IDataObject {
	try {
		const parsed = typeof value === 'string' ? JSON.parse(value || '{}') : value;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
			return parsed as IDataObject;
	} catch {
		// Not JSON: the error below names the field and says what was expected.
	}
	throw new FieldError(label, 'expected a JSON object');
}

function userBody(context: IExecuteFunctions, fields: IDataObject, itemIndex: number): IDataObject {
	const body: IDataObject = {};
	if (fields.name) {
		if (!/^\S{1,255}$/.test(String(fields.name))) {
			throw new FieldError(
				'Name',
				`expected 1 to 255 characters without spaces, got "${fields.name}"`,
			);
		}
		body.name = fields.name;
	}
	if (fields.displayName) body.display_name = fields.displayName;
	if (fields.imageUrl) body.image_url = fields.imageUrl;
	const properties: IDataObject = {};
	if (fields.customData !== undefined)
		properties.custom_data = parseJsonObject(fields.customData, 'Custom Data (JSON)');
	if (fields.ttl !== undefined) properties.ttl = fields.ttl;
	if (Object.keys(properties).length) body.properties = properties;

	const channelInput = context.getNodeParameter('channels', itemIndex, {}) as Record<
		string,
		IDataObject[]
	>;
	const channels: IDataObject = {};
	for (const [type, entries] of Object.entries(channelInput)) {
		channels[type] = entries.map((entry) =>
			type === 'websocket'
				? {
						uri: entry.uri,
						'content-type': entry.contentType,
						headers: parseJsonObject(entry.headers, 'Channels → WebSocket → Headers'),
					}
				: entry,
		);
	}
	if (Object.keys(channels).length) body.channels = channels;
	return body;
}

export const userOperations = {
	async list(this: IExecuteFunctions, itemIndex: number) {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		return await usersPaginate(this, filters, {
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		});
	},
	async get(this: IExecuteFunctions, itemIndex: number) {
		const id = requiredId(this, 'userId', 'User ID', itemIndex);
		return await vonageRequest(this, {
			api: 'users',
			method: 'GET',
			path: apiPath`/v1/users/${id}`,
			itemIndex,
		});
	},
	async delete(this: IExecuteFunctions, itemIndex: number) {
		const id = requiredId(this, 'userId', 'User ID', itemIndex);
		await vonageRequest(this, {
			api: 'users',
			method: 'DELETE',
			path: apiPath`/v1/users/${id}`,
			itemIndex,
		});
		return { deleted: true, id };
	},
	async create(this: IExecuteFunctions, itemIndex: number) {
		const fields = {
			...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
			name: this.getNodeParameter('name', itemIndex, ''),
		};
		const body = userBody(this, fields, itemIndex);
		return await vonageRequest(this, {
			api: 'users',
			method: 'POST',
			path: '/v1/users',
			body,
			itemIndex,
		});
	},
	async update(this: IExecuteFunctions, itemIndex: number) {
		const id = requiredId(this, 'userId', 'User ID', itemIndex);
		const body = userBody(
			this,
			this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject,
			itemIndex,
		);
		if (!Object.keys(body).length) {
			throw new FieldError('Update Fields', 'add at least one field or channel to change');
		}
		return await vonageRequest(this, {
			api: 'users',
			method: 'PATCH',
			path: apiPath`/v1/users/${id}`,
			body,
			itemIndex,
		});
	},
};

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../shared/kit/descriptions';
import { requiredId } from '../../../shared/kit/itemHelpers';
import { operationSelector } from '../../../shared/kit/operationSelector';
import { applicationsPaginate } from '../../../shared/request/pagination';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { FieldError } from '../../../shared/kit/validation';
import {
	CAPABILITIES,
	capabilitiesFromFields,
	capabilityProperties,
	checkCapabilitiesJson,
	mergeCapabilities,
} from './capabilities';

const show = (operation: string[]) => ({ show: { resource: ['application'], operation } });
const writeOperations = { resource: ['application'], operation: ['create', 'update'] };

export const applicationDescription: INodeProperties[] = [
	operationSelector('application', 'list', [
		{
			name: 'Create',
			value: 'create',
			action: 'Create an application',
			description: 'Create an application with its capabilities; outputs its new private key',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete an application',
			description: 'Delete an application by its ID',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get an application',
			description: 'Read an application by its ID',
		},
		{
			name: 'List',
			value: 'list',
			action: 'List applications',
			description: 'List the account’s applications',
		},
		{
			name: 'Update',
			value: 'update',
			action: 'Update an application',
			description: 'Change fields of an application, keeping everything else as it is',
		},
	]),
	{
		displayName: 'Application ID',
		name: 'applicationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab',
		description:
			'The ID of the application: Vonage API Dashboard → Applications, or the ID that List Applications outputs',
		displayOptions: show(['get', 'update', 'delete']),
	},
	{
		displayName:
			'Vonage returns the new private key only in this response and never again: store it (for example in a JWT credential) before the output is gone',
		name: 'privateKeyNotice',
		type: 'notice',
		default: '',
		displayOptions: show(['create']),
	},
	{
		displayName:
			'Update reads the application first and changes only the settings given here; capabilities and webhooks left out stay as they are',
		name: 'mergeNotice',
		type: 'notice',
		default: '',
		displayOptions: show(['update']),
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'My voice app',
		description: 'The name the application is listed under in the Vonage API Dashboard',
		displayOptions: show(['create']),
	},
	{
		displayName: 'New Name',
		name: 'name',
		type: 'string',
		default: '',
		displayOptions: show(['update']),
		description: 'Leave empty to keep the current name',
	},
	{
		displayName: 'Capabilities Input',
		name: 'capabilitiesInput',
		type: 'options',
		options: [
			{
				name: 'Field by Field',
				value: 'fields',
				description: 'Set single settings of each capability; on Update, the rest stays as it is',
			},
			{
				name: 'JSON',
				value: 'json',
				description: 'The whole capabilities object, as the API takes it',
			},
		],
		default: 'fields',
		displayOptions: { show: writeOperations },
		description:
			'How to give the capabilities (Voice, Messages, RTC, …): setting by setting, or as one JSON object',
	},
	{
		displayName: 'Capabilities (JSON)',
		name: 'capabilitiesJson',
		type: 'json',
		default: '{}',
		displayOptions: { show: { ...writeOperations, capabilitiesInput: ['json'] } },
		description:
			'The capabilities object. On Update it replaces all current capabilities; use Field by Field to change only some.',
	},
	...capabilityProperties(writeOperations),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: writeOperations },
		options: [
			{
				displayName: 'Enable VBC Capability',
				name: 'vbc',
				type: 'boolean',
				default: true,
				description: 'Whether the application has the Vonage Business Communications capability',
			},
			{
				displayName: 'Improve AI',
				name: 'improveAi',
				type: 'boolean',
				default: false,
				description:
					'Whether Vonage may use this application’s data to improve its AI services (privacy.improve_ai)',
			},
			{
				displayName: 'Public Key',
				name: 'publicKey',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
				description:
					'PEM public key. Without one, Create makes a key pair and returns its private key once.',
			},
		],
	},
	...returnAllAndLimit('application', 'list'),
];

function parseCapabilitiesJson(text: string): IDataObject {
	let reason: string;
	try {
		return JSON.parse(text || '{}');
	} catch (error) {
		reason = (error as Error).message;
	}
	throw new FieldError('Capabilities (JSON)', `not valid JSON (${reason})`);
}

function capabilitiesChange(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const additional = context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	let capabilities: IDataObject;
	if (context.getNodeParameter('capabilitiesInput', itemIndex) === 'json') {
		const raw = context.getNodeParameter('capabilitiesJson', itemIndex, '{}');
		capabilities = typeof raw === 'string' ? parseCapabilitiesJson(raw) : (raw as IDataObject);
		if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) {
			throw new FieldError('Capabilities (JSON)', 'expected a JSON object');
		}
		checkCapabilitiesJson(capabilities);
	} else {
		const fields = Object.fromEntries(
			CAPABILITIES.map((c) => [
				c.key,
				context.getNodeParameter(`capability_${c.key}`, itemIndex, {}) as IDataObject,
			]),
		);
		capabilities = capabilitiesFromFields(fields);
	}
	if (additional.vbc === true) capabilities.vbc = {};
	return capabilities;
}

function extras(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const additional = context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (additional.improveAi !== undefined)
		body.privacy = { improve_ai: Boolean(additional.improveAi) };
	if (additional.publicKey) body.keys = { public_key: additional.publicKey };
	return body;
}

export const applicationOperations = {
	async list(this: IExecuteFunctions, itemIndex: number) {
		return await applicationsPaginate(this, {
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		});
	},
	async get(this: IExecuteFunctions, itemIndex: number) {
		const id = requiredId(this, 'applicationId', 'Application ID', itemIndex);
		return await vonageRequest(this, {
			api: 'applications',
			method: 'GET',
			path: apiPath`/v2/applications/${id}`,
			itemIndex,
		});
	},
	async delete(this: IExecuteFunctions, itemIndex: number) {
		const id = requiredId(this, 'applicationId', 'Application ID', itemIndex);
		await vonageRequest(this, {
			api: 'applications',
			method: 'DELETE',
			path: apiPath`/v2/applications/${id}`,
			itemIndex,
		});
		return { deleted: true, id };
	},
	async create(this: IExecuteFunctions, itemIndex: number) {
		const name = String(this.getNodeParameter('name', itemIndex, '')).trim();
		if (!name) throw new FieldError('Name', 'required');
		const body = {
			name,
			capabilities: capabilitiesChange(this, itemIndex),
			...extras(this, itemIndex),
		};
		return await vonageRequest(this, {
			api: 'applications',
			method: 'POST',
			path: '/v2/applications',
			body,
			itemIndex,
		});
	},
	async update(this: IExecuteFunctions, itemIndex: number) {
		const id = requiredId(this, 'applicationId', 'Application ID', itemIndex);
		const change = capabilitiesChange(this, itemIndex);
		const replaceAll = this.getNodeParameter('capabilitiesInput', itemIndex) === 'json';
		const path = apiPath`/v2/applications/${id}`;
		// PUT replaces the application, so the current one is read and merged first.
		const current = await vonageRequest(this, {
			api: 'applications',
			method: 'GET',
			path,
			itemIndex,
		});
		const body: IDataObject = {
			name: String(this.getNodeParameter('name', itemIndex, '')).trim() || current.name,
			capabilities: replaceAll
				? change
				: mergeCapabilities((current.capabilities as IDataObject) ?? {}, change),
			...(current.privacy ? { privacy: current.privacy } : {}),
			...extras(this, itemIndex),
		};
		return await vonageRequest(this, { api: 'applications', method: 'PUT', path, body, itemIndex });
	},
};

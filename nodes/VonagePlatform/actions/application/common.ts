import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FieldError } from '../../../shared/kit/validation';
import { CAPABILITIES } from './capabilities';
import { capabilityProperties } from './capabilityFields';
import { capabilitiesFromFields, checkCapabilitiesJson } from './capabilityValues';

/** The field that Get, Update and Delete share; each operation file declares only its own. */
export const applicationIdField: INodeProperties = {
	displayName: 'Application ID',
	name: 'applicationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab',
	description:
		'The ID of the application: Vonage API Dashboard → Applications, or the ID that List Applications outputs',
	displayOptions: { show: { resource: ['application'], operation: ['get', 'update', 'delete'] } },
};

const writeOperations = { resource: ['application'], operation: ['create', 'update'] };

/** The settings that Create and Update share: capabilities and additional fields. */
export const writeFields: INodeProperties[] = [
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

/** The capabilities that Create sends and Update merges, from fields or JSON, checked. */
export function capabilitiesChange(context: IExecuteFunctions, itemIndex: number): IDataObject {
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

/** Privacy and public key, from Additional Fields. */
export function extras(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const additional = context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (additional.improveAi !== undefined)
		body.privacy = { improve_ai: Boolean(additional.improveAi) };
	if (additional.publicKey) body.keys = { public_key: additional.publicKey };
	return body;
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { channelsOf } from './channels';
import { updatableUserFields, userBody } from './common';

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

/** Create's fields; it also takes the Channels (channels.ts). */
export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		displayOptions: { show: { resource: ['user'], operation: ['create'] } },
		description: 'Unique name, no spaces. Vonage generates one when empty.',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { resource: ['user'], operation: ['create'] } },
		options: userFields,
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const fields = {
		...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
		name: this.getNodeParameter('name', itemIndex, ''),
	};
	const body = { ...userBody(fields), ...channelsOf(this, itemIndex) };
	return await vonageRequest(this, {
		api: 'users',
		method: 'POST',
		path: '/v1/users',
		body,
		itemIndex,
	});
}

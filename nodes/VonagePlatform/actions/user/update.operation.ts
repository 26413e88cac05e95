import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { FieldError } from '../../../shared/kit/validation';
import { channelsOf } from './channels';
import { updatableUserFields, userBody } from './common';

/** Update's fields; it also takes the User ID (common.ts) and the Channels (channels.ts). */
export const description: INodeProperties[] = [
	{
		displayName:
			'Custom data and TTL are set when a user is created: the Users API (PATCH /v1/users) does not change them. To change them, delete and create the user.',
		name: 'updateNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['user'], operation: ['update'] } },
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { resource: ['user'], operation: ['update'] } },
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
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const id = requiredId(this, 'userId', 'User ID', itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body = { ...userBody(fields), ...channelsOf(this, itemIndex) };
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
}

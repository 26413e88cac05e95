import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { FieldError } from '../../../shared/kit/validation';
import { capabilitiesChange, extras } from './common';

/**
 * Create's own fields, its notice and its Name; index.ts places each beside Update's. It also takes
 * the capabilities and additional fields (common.ts).
 */
export const description: INodeProperties[] = [
	{
		displayName:
			'Vonage returns the new private key only in this response and never again: store it (for example in a JWT credential) before the output is gone',
		name: 'privateKeyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['application'], operation: ['create'] } },
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'My voice app',
		description: 'The name the application is listed under in the Vonage API Dashboard',
		displayOptions: { show: { resource: ['application'], operation: ['create'] } },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
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
}

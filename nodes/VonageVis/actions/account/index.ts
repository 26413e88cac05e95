import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { vonageRequest } from '../../../shared/request/transport';

export const accountDescription: INodeProperties[] = [
	operationSelector('account', 'get', [
		{
			name: 'Get',
			value: 'get',
			action: 'Get the account',
			description: 'Get the VBC account of the signed-in user',
		},
	]),
];

export const accountOperations = {
	async get(this: IExecuteFunctions, itemIndex: number) {
		return await vonageRequest(this, {
			api: 'vis',
			method: 'GET',
			path: '/self/account',
			itemIndex,
		});
	},
};

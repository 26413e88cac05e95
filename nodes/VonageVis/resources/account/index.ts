import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/transport';

export const accountDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get the account',
				description: "Get the VBC account of the signed-in user",
			},
		],
		default: 'get',
	},
];

export const accountOperations = {
	async get(this: IExecuteFunctions, itemIndex: number) {
		return await vonageRequest(this, { api: 'vis', method: 'GET', path: '/self/account', itemIndex });
	},
};

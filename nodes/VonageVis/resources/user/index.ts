import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/transport';

export const userDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get the current user',
				description: 'Get the VBC user the credential signs in as',
			},
		],
		default: 'get',
	},
];

export const userOperations = {
	async get(this: IExecuteFunctions, itemIndex: number) {
		return await vonageRequest(this, { api: 'vis', method: 'GET', path: '/self', itemIndex });
	},
};

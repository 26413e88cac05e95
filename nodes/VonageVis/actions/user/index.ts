import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { vonageRequest } from '../../../shared/request/transport';

export const userDescription: INodeProperties[] = [
	operationSelector('user', 'get', [
		{
			name: 'Get',
			value: 'get',
			action: 'Get the current user',
			description: 'Get the VBC user the credential signs in as',
		},
	]),
];

export const userOperations = {
	async get(this: IExecuteFunctions, itemIndex: number) {
		return await vonageRequest(this, { api: 'vis', method: 'GET', path: '/self', itemIndex });
	},
};

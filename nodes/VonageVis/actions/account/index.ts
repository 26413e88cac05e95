import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import * as get from './get.operation';

export const accountDescription: INodeProperties[] = [
	operationSelector('account', 'get', [
		{
			name: 'Get',
			value: 'get',
			action: 'Get the account',
			description: 'Get the VBC account of the signed-in user',
		},
	]),
	...get.description,
];

export const accountOperations = { get: get.execute };

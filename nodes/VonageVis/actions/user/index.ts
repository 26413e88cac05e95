import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import * as get from './get.operation';

export const userDescription: INodeProperties[] = [
	operationSelector('user', 'get', [
		{
			name: 'Get',
			value: 'get',
			action: 'Get the current user',
			description: 'Get the VBC user the credential signs in as',
		},
	]),
	...get.description,
];

export const userOperations = { get: get.execute };

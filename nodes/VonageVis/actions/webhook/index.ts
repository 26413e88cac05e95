import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { showSigningKeyField, webhookIdField } from './common';
import * as create from './create.operation';
import * as deleteWebhook from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as renew from './renew.operation';

export const webhookDescription: INodeProperties[] = [
	operationSelector('webhook', 'list', [
		{
			name: 'Create',
			value: 'create',
			action: 'Create a webhook',
			description: 'Register a URL to receive call events',
		},
		{
			name: 'Delete',
			value: 'delete',
			action: 'Delete a webhook',
			description: 'Stop VIS delivering events to a webhook',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get a webhook',
			description: 'Read a webhook with its expiry and delivery statistics',
		},
		{
			name: 'List',
			value: 'list',
			action: 'List webhooks',
			description: 'List the webhooks registered by the signed-in user',
		},
		{
			name: 'Renew',
			value: 'renew',
			action: 'Renew a webhook',
			description: 'Extend its expiry and clear its failed flag',
		},
	]),
	webhookIdField,
	...create.description,
	...deleteWebhook.description,
	...get.description,
	...list.description,
	...renew.description,
	showSigningKeyField,
];

export const webhookOperations = {
	create: create.execute,
	delete: deleteWebhook.execute,
	get: get.execute,
	list: list.execute,
	renew: renew.execute,
};

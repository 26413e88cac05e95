import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions, visAuthentication, visCredentials } from '../shared/descriptions';
import { runOperations } from '../shared/itemHelpers';
import { accountDescription, accountOperations } from './resources/account';
import { callDescription, callOperations } from './resources/call';
import { eventDescription, eventOperations } from './resources/event';
import { userDescription, userOperations } from './resources/user';
import { webhookDescription, webhookOperations } from './resources/webhook';

export class VonageVis implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage VIS',
		name: 'vonageVis',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Control Vonage Business Communications calls with the Vonage Integration Suite (VIS): place, answer, hold, transfer and end calls, read call events, manage webhooks',
		defaults: { name: 'Vonage VIS' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: visCredentials,
		properties: [
			visAuthentication,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Call', value: 'call' },
					{ name: 'Event', value: 'event' },
					{ name: 'User', value: 'user' },
					{ name: 'Webhook', value: 'webhook' },
				],
				default: 'call',
			},
			...accountDescription,
			...callDescription,
			...eventDescription,
			...userDescription,
			...webhookDescription,
			requestOptions,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperations(this, {
			account: accountOperations,
			call: callOperations,
			event: eventOperations,
			user: userOperations,
			webhook: webhookOperations,
		});
	}
}

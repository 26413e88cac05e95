import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions, visAuthentication, visCredentials } from '../shared/kit/descriptions';
import { actionSubtitle, resourceSelector } from '../shared/kit/operationSelector';
import { routeOperations } from '../shared/kit/router';
import { accountDescription, accountOperations } from './actions/account';
import { callDescription, callOperations } from './actions/call';
import { eventDescription, eventOperations } from './actions/event';
import { userDescription, userOperations } from './actions/user';
import { webhookDescription, webhookOperations } from './actions/webhook';

const properties: INodeProperties[] = [
	visAuthentication,
	resourceSelector('call', [
		{ name: 'Account', value: 'account', description: 'The VBC account of the signed-in user' },
		{
			name: 'Call',
			value: 'call',
			description: 'Calls on the signed-in VBC user’s line: place, answer, hold, transfer, end',
		},
		{
			name: 'Event',
			value: 'event',
			description: 'Call events: each state a call on the user’s line went through',
		},
		{ name: 'User', value: 'user', description: 'The VBC user the credential signs in as' },
		{
			name: 'Webhook',
			value: 'webhook',
			description: 'URLs where VIS posts the user’s call events (the VIS Trigger manages its own)',
		},
	]),
	...accountDescription,
	...callDescription,
	...eventDescription,
	...userDescription,
	...webhookDescription,
	requestOptions,
];

export class VonageVis implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage VIS',
		name: 'vonageVis',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['output'],
		version: 1,
		// The action text of the chosen operation, as n8n's own nodes read ("Place a call").
		subtitle: actionSubtitle(properties),
		description:
			'Control the calls of a VBC user’s own line (Vonage Business Communications) with the Vonage Integration Suite (VIS): place, answer, hold, transfer and end calls, read call events, manage webhooks. For the calls of a Vonage API application, use Vonage Voice.',
		defaults: { name: 'Vonage VIS' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: visCredentials,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations(this, {
			account: accountOperations,
			call: callOperations,
			event: eventOperations,
			user: userOperations,
			webhook: webhookOperations,
		});
	}
}

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from '../shared/kit/descriptions';
import { actionSubtitle, resourceSelector } from '../shared/kit/operationSelector';
import { routeOperations } from '../shared/kit/router';
import { applicationDescription, applicationOperations } from './actions/application';
import { userDescription, userOperations } from './actions/user';
import { voiceCallDescription, voiceCallOperations } from './actions/voiceCall';

const properties: INodeProperties[] = [
	resourceSelector('application', [
		{
			name: 'Application',
			value: 'application',
			description:
				'Vonage API applications: their capabilities, webhooks and keys (API key and secret)',
		},
		{
			name: 'User',
			value: 'user',
			description: 'Users of an application, for the Client SDK and in-app calls (application JWT)',
		},
		{
			name: 'Voice Call',
			value: 'voiceCall',
			description: 'Place a call for an application with Voice API v2 (application JWT)',
		},
	]),
	...applicationDescription,
	...userDescription,
	...voiceCallDescription,
	requestOptions,
];

export class VonagePlatform implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage Platform',
		name: 'vonagePlatform',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['output'],
		// Version 2 builds a call's NCCO from fields by default (NCCO Source: Build); version 1 nodes
		// were saved with JSON NCCOs and keep them.
		version: [1, 2],
		defaultVersion: 2,
		// The action text of the chosen operation, as n8n's own nodes read ("Place a call").
		subtitle: actionSubtitle(properties),
		description:
			'Manage Vonage API applications and their users, and place calls for an application with Voice API v2 (beta; control them with Vonage Voice). For a VBC user’s own line, use Vonage VIS.',
		defaults: { name: 'Vonage Platform' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'vonageKeySecretApi',
				required: true,
				displayOptions: { show: { resource: ['application'] } },
			},
			{
				name: 'vonageJwtApi',
				required: true,
				displayOptions: { show: { resource: ['user', 'voiceCall'] } },
			},
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations(this, {
			application: applicationOperations,
			user: userOperations,
			voiceCall: voiceCallOperations,
		});
	}
}

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from '../shared/descriptions';
import { routeOperations } from '../shared/router';
import { applicationDescription, applicationOperations } from './resources/application';
import { userDescription, userOperations } from './resources/user';
import { voiceCallDescription, voiceCallOperations } from './resources/voiceCall';

export class VonagePlatform implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vonage Platform',
		name: 'vonagePlatform',
		icon: { light: 'file:vonage.svg', dark: 'file:vonage.dark.svg' },
		group: ['output'],
		version: 1,
		// The action text of the chosen operation, as n8n's own nodes read ("Place a call"); a test
		// checks it against the Operation options.
		subtitle:
			'={{ {"application:create":"Create an application","application:delete":"Delete an application","application:get":"Get an application","application:list":"List applications","application:update":"Update an application","user:create":"Create a user","user:delete":"Delete a user","user:get":"Get a user","user:list":"List users","user:update":"Update a user","voiceCall:create":"Place a call"}[$parameter["resource"] + ":" + $parameter["operation"]] }}',
		description:
			'Manage Vonage API applications and their users, and place calls for an application with Voice API v2 (beta; control them with Vonage Voice). For a VBC user’s own line, use Vonage VIS.',
		defaults: { name: 'Vonage Platform' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'vonageKeySecretApi', required: true, displayOptions: { show: { resource: ['application'] } } },
			{ name: 'vonageJwtApi', required: true, displayOptions: { show: { resource: ['user', 'voiceCall'] } } },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Application', value: 'application', description: 'Vonage API applications: their capabilities, webhooks and keys (API key and secret)' },
					{ name: 'User', value: 'user', description: 'Users of an application, for the Client SDK and in-app calls (application JWT)' },
					{ name: 'Voice Call', value: 'voiceCall', description: 'Place a call for an application with Voice API v2 (application JWT)' },
				],
				default: 'application',
			},
			...applicationDescription,
			...userDescription,
			...voiceCallDescription,
			requestOptions,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations(this, {
			application: applicationOperations,
			user: userOperations,
			voiceCall: voiceCallOperations,
		});
	}
}

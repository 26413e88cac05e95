import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from '../shared/descriptions';
import { runOperations } from '../shared/itemHelpers';
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
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage Vonage applications and users, and place Voice API v2 calls',
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
					{ name: 'Application', value: 'application' },
					{ name: 'User', value: 'user' },
					{ name: 'Voice Call', value: 'voiceCall' },
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
		return await runOperations(this, {
			application: applicationOperations,
			user: userOperations,
			voiceCall: voiceCallOperations,
		});
	}
}

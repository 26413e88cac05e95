import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildNcco } from '../../ncco/builder';
import { nccoActionsField } from '../../ncco/fields';
import { operationSelector } from '../../../shared/kit/operationSelector';

/**
 * NCCO → Build: the last node of an answer workflow (Vonage Voice Trigger, Answer Calls With This
 * Workflow), giving the NCCO that answers the call without a Code node. It sends nothing to
 * Vonage, so it needs no credential.
 */
export const nccoDescription: INodeProperties[] = [
	operationSelector('ncco', 'build', [
		{
			name: 'Build',
			value: 'build',
			action: 'Build an NCCO',
			description:
				'Output an NCCO built from fields, e.g. to answer a call from a Vonage Voice Trigger workflow; sends nothing to Vonage',
		},
	]),
	nccoActionsField('nccoActions', { show: { resource: ['ncco'], operation: ['build'] } }),
	{
		displayName: 'Output',
		name: 'nccoOutput',
		type: 'options',
		options: [
			{
				name: 'Each Item Is an Action',
				value: 'eachItem',
				description:
					'One item per action, as the Voice Trigger’s "NCCO From: Each Item Is an Action" reads them',
			},
			{
				name: 'Field "Ncco" of One Item',
				value: 'nccoField',
				description:
					'One item whose "ncco" field is the whole NCCO array, as "NCCO From: Field Ncco of the First Item" reads it',
			},
		],
		default: 'eachItem',
		displayOptions: { show: { resource: ['ncco'], operation: ['build'] } },
		description: 'How the NCCO leaves the node; match the Voice Trigger’s NCCO From setting',
	},
];

export const nccoOperations = {
	async build(this: IExecuteFunctions, itemIndex: number) {
		const ncco = buildNcco(this.getNodeParameter('nccoActions', itemIndex, {}));
		return this.getNodeParameter('nccoOutput', itemIndex, 'eachItem') === 'nccoField'
			? { ncco }
			: ncco;
	},
};

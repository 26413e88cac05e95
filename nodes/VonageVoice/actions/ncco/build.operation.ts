import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildNcco } from '../../ncco/builder';
import { nccoActionsField } from '../../ncco/fields';

export const description: INodeProperties[] = [
	{
		// n8n's own panel shows only a spinner while a test run waits for its trigger.
		displayName:
			'After a Vonage Voice Trigger, Execute step first waits for a call to the application (or one of its call events): call its number, and the canvas says so above the trigger while it waits',
		name: 'testRunNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['ncco'], operation: ['build'] } },
	},
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
				name: 'The Whole NCCO in One Item',
				value: 'nccoField',
				description:
					'One item whose "ncco" field is the whole NCCO array, as the Voice Trigger’s "NCCO From: The Whole NCCO in One Item" reads it',
			},
		],
		default: 'eachItem',
		displayOptions: { show: { resource: ['ncco'], operation: ['build'] } },
		description: 'How the NCCO leaves the node; match the Voice Trigger’s NCCO From setting',
	},
];

/** Sends nothing to Vonage: the NCCO is the output. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const ncco = buildNcco(this.getNodeParameter('nccoActions', itemIndex, {}), 'Actions', {
		servedByTrigger: true,
	});
	return this.getNodeParameter('nccoOutput', itemIndex, 'eachItem') === 'nccoField'
		? { ncco }
		: ncco;
}

import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';

export const description: INodeProperties[] = [
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '522078',
		description:
			'The VIS ID of the call event: the ID of an item that List Call Events or the Vonage VIS Trigger outputs',
		displayOptions: { show: { resource: ['event'], operation: ['get'] } },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const eventId = requiredId(this, 'eventId', 'Event ID', itemIndex);
	return await vonageRequest(this, {
		api: 'vis',
		method: 'GET',
		path: apiPath`/self/events/${eventId}`,
		itemIndex,
	});
}

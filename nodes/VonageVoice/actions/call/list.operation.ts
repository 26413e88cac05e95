import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { VOICE_CALL_STATUSES, voiceStatusOptions } from '../../../shared/kit/callStates';
import { returnAllAndLimit, sortOrderOption } from '../../../shared/kit/descriptions';
import { voiceCallsPaginate } from '../../../shared/request/pagination';
import { checkDateTime } from '../../../shared/kit/validation';

export const description: INodeProperties[] = [
	...returnAllAndLimit('call', 'list'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['call'], operation: ['list'] } },
		options: [
			{
				displayName: 'Conversation UUID',
				name: 'conversationUuid',
				type: 'string',
				default: '',
				placeholder: 'CON-f972836a-550f-45fa-956c-12a2ab5b7d22',
				description:
					'Only the calls of this conversation: the "conversation_uuid" of a call or of a Voice Trigger event',
			},
			sortOrderOption,
			// Named for what they bound: "From" and "To" read as phone numbers in a call node. The
			// parameter names stay, so saved workflows keep their filters.
			{
				displayName: 'Started After',
				name: 'dateStart',
				type: 'dateTime',
				default: '',
				description: 'Only calls that started at or after this time. Empty means no lower bound.',
			},
			{
				displayName: 'Started Before',
				name: 'dateEnd',
				type: 'dateTime',
				default: '',
				description: 'Only calls that started at or before this time. Empty means no upper bound.',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: voiceStatusOptions(VOICE_CALL_STATUSES),
				default: 'completed',
				description: 'Only calls whose current status is this one',
			},
		],
	},
];

/** ISO 8601 in UTC without milliseconds, as the reference shows (2016-11-14T07:45:14Z). */
function isoDate(label: string, value: unknown): string {
	return new Date(checkDateTime(label, value)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const query: IDataObject = {};
	if (filters.status) query.status = filters.status;
	if (filters.dateStart) query.date_start = isoDate('Filters → Started After', filters.dateStart);
	if (filters.dateEnd) query.date_end = isoDate('Filters → Started Before', filters.dateEnd);
	if (filters.conversationUuid) query.conversation_uuid = String(filters.conversationUuid).trim();
	if (filters.order) query.order = filters.order;
	return await voiceCallsPaginate(this, query, {
		returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
		limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		itemIndex,
	});
}

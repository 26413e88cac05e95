import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ACTIVE_CALL_STATES, CALL_STATES } from '../../../shared/kit/callStates';
import { returnAllAndLimit } from '../../../shared/kit/descriptions';
import { requiredId } from '../../../shared/kit/itemHelpers';
import { operationSelector } from '../../../shared/kit/operationSelector';
import { visPaginate } from '../../../shared/request/pagination';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { filtersToQuery, listFilters } from '../fields/listFilters';

export const eventDescription: INodeProperties[] = [
	operationSelector('event', 'list', [
		{
			name: 'Count',
			value: 'count',
			action: 'Count call events',
			description: 'Count events of calls still going on, optionally filtered',
		},
		{
			name: 'Get',
			value: 'get',
			action: 'Get a call event',
			description: 'Read one call event by its ID',
		},
		{
			name: 'List',
			value: 'list',
			action: 'List call events',
			description: 'List events of active and ended calls',
		},
	]),
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
	...returnAllAndLimit('event', 'list'),
	listFilters({ resource: ['event'], operation: ['list'] }, CALL_STATES, true),
	// The count endpoint accepts only the states of calls still going on (VIS OpenAPI spec).
	listFilters({ resource: ['event'], operation: ['count'] }, ACTIVE_CALL_STATES, false),
];

export const eventOperations = {
	async list(this: IExecuteFunctions, itemIndex: number) {
		return await visPaginate(
			this,
			'/self/events',
			{ types: 'CALL', ...filtersToQuery(this, itemIndex) },
			{
				returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
				limit: this.getNodeParameter('limit', itemIndex, 50) as number,
				itemIndex,
			},
		);
	},
	async count(this: IExecuteFunctions, itemIndex: number) {
		const query = filtersToQuery(this, itemIndex);
		return await vonageRequest(this, {
			api: 'vis',
			method: 'GET',
			path: '/self/events/count',
			query,
			itemIndex,
		});
	},
	async get(this: IExecuteFunctions, itemIndex: number) {
		const eventId = requiredId(this, 'eventId', 'Event ID', itemIndex);
		return await vonageRequest(this, {
			api: 'vis',
			method: 'GET',
			path: apiPath`/self/events/${eventId}`,
			itemIndex,
		});
	},
};

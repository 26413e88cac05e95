import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ACTIVE_CALL_STATES } from '../../../shared/kit/callStates';
import { vonageRequest } from '../../../shared/request/transport';
import { filtersToQuery, listFilters } from '../fields/listFilters';

export const description: INodeProperties[] = [
	// The count endpoint accepts only the states of calls still going on (VIS OpenAPI spec).
	listFilters({ resource: ['event'], operation: ['count'] }, ACTIVE_CALL_STATES, false),
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const query = filtersToQuery(this, itemIndex);
	return await vonageRequest(this, {
		api: 'vis',
		method: 'GET',
		path: '/self/events/count',
		query,
		itemIndex,
	});
}

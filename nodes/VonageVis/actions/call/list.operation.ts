import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ACTIVE_CALL_STATES } from '../../../shared/kit/callStates';
import { returnAllAndLimit } from '../../../shared/kit/descriptions';
import { visPaginate } from '../../../shared/request/pagination';
import { filtersToQuery, listFilters } from '../fields/listFilters';

export const description: INodeProperties[] = [
	...returnAllAndLimit('call', 'list'),
	listFilters({ resource: ['call'], operation: ['list'] }, ACTIVE_CALL_STATES, true),
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await visPaginate(
		this,
		'/self/calls',
		filtersToQuery(this, itemIndex, ACTIVE_CALL_STATES),
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		},
	);
}

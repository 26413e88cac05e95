import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CALL_STATES } from '../../../shared/kit/callStates';
import { returnAllAndLimit } from '../../../shared/kit/descriptions';
import { visPaginate } from '../../../shared/request/pagination';
import { filtersToQuery, listFilters } from '../fields/listFilters';

export const description: INodeProperties[] = [
	...returnAllAndLimit('event', 'list'),
	listFilters({ resource: ['event'], operation: ['list'] }, CALL_STATES, true),
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
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
}

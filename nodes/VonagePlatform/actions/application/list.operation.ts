import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../shared/kit/descriptions';
import { applicationsPaginate } from '../../../shared/request/pagination';

export const description: INodeProperties[] = [...returnAllAndLimit('application', 'list')];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await applicationsPaginate(this, {
		returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
		limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		itemIndex,
	});
}

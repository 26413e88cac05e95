import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkCallUuid } from '../../../shared/kit/validation';

/** The Call UUID field of every operation that acts on one call. */
export function callUuidField(resource: string, operations: string[]): INodeProperties {
	return {
		displayName: 'Call UUID',
		name: 'callUuid',
		type: 'string',
		required: true,
		default: '',
		placeholder: '63f61863-4a51-4f6b-86e1-46edebcf9356',
		description: 'The uuid of the call (from Create Call, List Calls or a Voice Trigger event)',
		displayOptions: { show: { resource: [resource], operation: operations } },
	};
}

export function callUuidOf(context: IExecuteFunctions, itemIndex: number): string {
	return checkCallUuid('Call UUID', context.getNodeParameter('callUuid', itemIndex, ''));
}

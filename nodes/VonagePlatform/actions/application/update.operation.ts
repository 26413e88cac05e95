import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredId } from '../../../shared/kit/itemHelpers';
import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { mergeCapabilities } from './capabilityValues';
import { capabilitiesChange, extras } from './common';

/**
 * Update's own fields, its notice and its New Name; index.ts places each beside Create's. It also
 * takes the Application ID, the capabilities and additional fields (common.ts).
 */
export const description: INodeProperties[] = [
	{
		displayName:
			'Update reads the application first and changes only the settings given here; capabilities and webhooks left out stay as they are',
		name: 'mergeNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['application'], operation: ['update'] } },
	},
	{
		displayName: 'New Name',
		name: 'name',
		type: 'string',
		default: '',
		displayOptions: { show: { resource: ['application'], operation: ['update'] } },
		description: 'Leave empty to keep the current name',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const id = requiredId(this, 'applicationId', 'Application ID', itemIndex);
	const change = capabilitiesChange(this, itemIndex);
	const replaceAll = this.getNodeParameter('capabilitiesInput', itemIndex) === 'json';
	const path = apiPath`/v2/applications/${id}`;
	// PUT replaces the application, so the current one is read and merged first.
	const current = await vonageRequest(this, {
		api: 'applications',
		method: 'GET',
		path,
		itemIndex,
	});
	const body: IDataObject = {
		name: String(this.getNodeParameter('name', itemIndex, '')).trim() || current.name,
		capabilities: replaceAll
			? change
			: mergeCapabilities((current.capabilities as IDataObject) ?? {}, change),
		...(current.privacy ? { privacy: current.privacy } : {}),
		...extras(this, itemIndex),
	};
	return await vonageRequest(this, { api: 'applications', method: 'PUT', path, body, itemIndex });
}

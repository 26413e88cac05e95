import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { vonageRequest } from '../../../shared/request/transport';
import { apiPath } from '../../../shared/request/urlPath';
import { checkNumberInRange, checkUrl, checkWholeNumber } from '../../../shared/kit/validation';
import { callUuidOf } from '../fields/callUuid';
import { levelOption } from '../fields/level';

/** Play's fields; it also takes the Call UUID (fields/callUuid.ts). */
export const description: INodeProperties[] = [
	{
		displayName: 'Audio URL',
		name: 'streamUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/hold-music.mp3',
		description: 'An MP3 or WAV file Vonage can fetch',
		displayOptions: { show: { resource: ['stream'], operation: ['play'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['stream'], operation: ['play'] } },
		options: [
			levelOption,
			{
				displayName: 'Loop',
				name: 'loop',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1,
				description: 'How many times to play it; 0 repeats until stopped',
			},
		],
	},
];

/** Acts on a live call: never repeated but after a 429. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const uuid = callUuidOf(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = {
		stream_url: [checkUrl('Audio URL', this.getNodeParameter('streamUrl', itemIndex))],
	};
	if (options.loop !== undefined)
		body.loop = checkWholeNumber('Options → Loop', options.loop, 0, 1000);
	if (options.level !== undefined)
		body.level = checkNumberInRange('Options → Level', options.level, -1, 1);
	return await vonageRequest(this, {
		api: 'voice',
		method: 'PUT',
		path: apiPath`/v1/calls/${uuid}/stream`,
		body,
		itemIndex,
		actsOnCall: true,
	});
}

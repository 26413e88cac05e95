import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkUrl } from '../../../shared/kit/validation';
import { levelOption, loopAndLevel, loopOption, sendCallAudio } from '../fields/callAudio';
import { callUuidOf } from '../fields/callUuid';

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
		options: [levelOption, loopOption('play')],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const uuid = callUuidOf(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = {
		stream_url: [checkUrl('Audio URL', this.getNodeParameter('streamUrl', itemIndex))],
	};
	return await sendCallAudio(this, itemIndex, uuid, 'stream', {
		...body,
		...loopAndLevel(options),
	});
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { maxBytesOf } from '../../../shared/request/files';
import { vonageRequest, type VonageFile } from '../../../shared/request/transport';
import { FieldError } from '../../../shared/kit/validation';
import { downloadUrlFields, mediaType, sizeOption } from '../fields/download';

const TRANSCRIPT_MAX_MB = 10;

export const description: INodeProperties[] = [
	...downloadUrlFields(
		{
			displayName: 'Transcription URL',
			name: 'transcriptionUrl',
			description:
				'The transcription_url of the transcription event (from the Vonage Voice Trigger): drag it here from the input. Only Vonage’s API hosts and the credential’s Base URL are accepted, since the application’s JWT goes with the request.',
		},
		'transcription_url',
		{ resource: ['transcription'], operation: ['download'] },
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['transcription'], operation: ['download'] } },
		options: [sizeOption(TRANSCRIPT_MAX_MB)],
	},
];

/** Reads a bounded stream (the transport cut it off at the limit) into memory: transcripts are small. */
async function textOf(file: VonageFile): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of file.body) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks).toString('utf8');
}

/** A GET of a file: safe to repeat after a failure. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const maxBytes = maxBytesOf('Options → Max Size (MB)', options.maxSizeMb ?? TRANSCRIPT_MAX_MB);
	const file = (await vonageRequest(this, {
		api: 'voice',
		method: 'GET',
		path: '',
		itemIndex,
		file: {
			url: this.getNodeParameter('transcriptionUrl', itemIndex, ''),
			label: 'Transcription URL',
			maxBytes,
			what: 'The transcript',
		},
	})) as VonageFile;
	const type = mediaType(file.contentType);
	if (type !== 'application/json' && !type.endsWith('+json')) {
		file.body.destroy();
		throw new FieldError(
			'Transcription URL',
			`Vonage answered with ${type || 'no content type'}, not JSON: is this the transcription_url of a transcription event (not the recording_url)?`,
		);
	}
	const text = await textOf(file);
	let transcript: unknown;
	let invalid = '';
	try {
		transcript = JSON.parse(text);
	} catch (error) {
		invalid = (error as Error).message;
	}
	if (invalid || !transcript || typeof transcript !== 'object') {
		throw new FieldError(
			'Transcription URL',
			`Vonage's answer is not a JSON transcript (${invalid || typeof transcript})`,
		);
	}
	const items = Array.isArray(transcript)
		? (transcript as IDataObject[])
		: [transcript as IDataObject];
	return items.map((item) => ({
		transcription_url: file.url,
		...(item && typeof item === 'object' ? item : { value: item }),
	}));
}

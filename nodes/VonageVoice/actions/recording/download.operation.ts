import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { withBinary } from '../../../shared/kit/router';
import { DEFAULT_MAX_DOWNLOAD_MB, maxBytesOf } from '../../../shared/request/files';
import { vonageRequest, type VonageFile } from '../../../shared/request/transport';
import { FieldError } from '../../../shared/kit/validation';
import { downloadUrlFields, mediaType, sizeOption } from '../fields/download';

/** What n8n's binary helper takes: a Buffer or a Node.js Readable (the download's body is one). */
type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

export const description: INodeProperties[] = [
	...downloadUrlFields(
		{
			displayName: 'Recording URL',
			name: 'recordingUrl',
			description:
				'The recording_url of the record event (from the Vonage Voice Trigger): drag it here from the input. Only Vonage’s API hosts and the credential’s Base URL are accepted, since the application’s JWT goes with the request.',
		},
		'recording_url',
		{ resource: ['recording'], operation: ['download'] },
	),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		displayOptions: { show: { resource: ['recording'], operation: ['download'] } },
		description:
			'The name of the output binary field to put the audio in; n8n’s OpenAI (transcribe) and file nodes read "data" by default',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['recording'], operation: ['download'] } },
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'call-recording.mp3',
				description:
					'The output file’s name. Not set: the name Vonage gives, else recording-ID with the extension of its type.',
			},
			sizeOption(DEFAULT_MAX_DOWNLOAD_MB),
		],
	},
];

const EXTENSIONS: Record<string, string> = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/wave': 'wav',
	'audio/x-wav': 'wav',
	'audio/vnd.wave': 'wav',
	'audio/ogg': 'ogg',
};

/** The file name a Content-Disposition header gives, without any directory part. */
function dispositionName(header: unknown): string | undefined {
	const value = String(Array.isArray(header) ? header[0] : (header ?? ''));
	const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(value);
	if (!match) return undefined;
	let name = match[1];
	try {
		name = decodeURIComponent(name);
	} catch {
		// Not percent-encoded: the name as sent.
	}
	name = name.split(/[\\/]/).pop()!.trim();
	return name || undefined;
}

function fileIdOf(url: string): string {
	const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? 'file';
	return last.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'file';
}

/** A GET of a file: safe to repeat after a failure. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	if (!property)
		throw new FieldError(
			'Put Output File in Field',
			'required: the name of the output binary field, e.g. data',
		);
	const maxBytes = maxBytesOf('Options → Max Size (MB)', options.maxSizeMb);
	const file = (await vonageRequest(this, {
		api: 'voice',
		method: 'GET',
		path: '',
		itemIndex,
		file: {
			url: this.getNodeParameter('recordingUrl', itemIndex, ''),
			label: 'Recording URL',
			maxBytes,
			what: 'The recording',
		},
	})) as VonageFile;
	const type = mediaType(file.contentType);
	// A JSON or HTML answer is an error page or the wrong URL, not a recording.
	if (!type.startsWith('audio/') && type !== 'application/octet-stream') {
		file.body.destroy();
		throw new FieldError(
			'Recording URL',
			`Vonage answered with ${type || 'no content type'}, not audio: is this the recording_url of a record event (not the transcription_url)?`,
		);
	}
	const id = fileIdOf(file.url);
	const fileName =
		String(options.fileName ?? '').trim() ||
		dispositionName(file.headers['content-disposition']) ||
		`recording-${id}.${EXTENSIONS[type] ?? 'bin'}`;
	// n8n's binary helpers take the stream: in filesystem or S3 mode it goes straight to storage.
	const binary: IBinaryData = await this.helpers.prepareBinaryData(
		file.body as unknown as BinaryInput,
		fileName,
		type,
	);
	const size = Number(binary.bytes ?? file.contentLength);
	return withBinary(
		{
			recording_url: file.url,
			fileName,
			mimeType: type,
			size,
			fileSize: binary.fileSize,
			binaryProperty: property,
		},
		{ [property]: binary },
	);
}

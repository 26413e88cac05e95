import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../../shared/kit/operationSelector';
import { withBinary } from '../../../shared/kit/router';
import { vonageRequest, type VonageFile } from '../../../shared/request/transport';
import { FieldError } from '../../../shared/kit/validation';
import { DEFAULT_MAX_DOWNLOAD_MB, maxBytesOf } from '../../../shared/request/files';

/**
 * Recording → Download and Transcription → Download: the files behind the URLs a record action's
 * events carry, fetched with the application JWT (Vonage serves them only to the application
 * that recorded them), and sent only to Vonage's own API hosts (checkVonageFileUrl).
 */

const TRANSCRIPT_MAX_MB = 10;

/** What n8n's binary helper takes: a Buffer or a Node.js Readable (the download's body is one). */
type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

function sizeOption(defaultMb: number): INodeProperties {
	return {
		displayName: 'Max Size (MB)',
		name: 'maxSizeMb',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10240 },
		default: defaultMb,
		description: `The download is refused, and nothing more is read, once it is larger than this (default ${defaultMb} MB)`,
	};
}

export const recordingDescription: INodeProperties[] = [
	operationSelector('recording', 'download', [
		{
			name: 'Download',
			value: 'download',
			action: 'Download a recording',
			description:
				'Download a call recording as a file (binary data), from the recording_url of a record event',
		},
	]),
	{
		displayName: 'Recording URL',
		name: 'recordingUrl',
		type: 'string',
		required: true,
		default: '={{ $json.recording_url }}',
		placeholder: 'https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
		displayOptions: { show: { resource: ['recording'], operation: ['download'] } },
		description:
			'The recording_url of the record event (from the Vonage Voice Trigger). Only Vonage’s API hosts and the credential’s Base URL are accepted, since the application’s JWT goes with the request.',
	},
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

export const transcriptionDescription: INodeProperties[] = [
	operationSelector('transcription', 'download', [
		{
			name: 'Download',
			value: 'download',
			action: 'Download a transcript',
			description:
				'Download a recording’s transcript as JSON, from the transcription_url of a transcription event',
		},
	]),
	{
		displayName: 'Transcription URL',
		name: 'transcriptionUrl',
		type: 'string',
		required: true,
		default: '={{ $json.transcription_url }}',
		placeholder: 'https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
		displayOptions: { show: { resource: ['transcription'], operation: ['download'] } },
		description:
			'The transcription_url of the transcription event (from the Vonage Voice Trigger). Only Vonage’s API hosts and the credential’s Base URL are accepted, since the application’s JWT goes with the request.',
	},
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

const EXTENSIONS: Record<string, string> = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/wave': 'wav',
	'audio/x-wav': 'wav',
	'audio/vnd.wave': 'wav',
	'audio/ogg': 'ogg',
};

/** The media type alone, lowercased: "audio/mpeg; charset=…" → "audio/mpeg". */
const mediaType = (contentType: string) => contentType.split(';')[0].trim().toLowerCase();

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

/** Reads a bounded stream (the transport cut it off at the limit) into memory: transcripts are small. */
async function textOf(file: VonageFile): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of file.body) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks).toString('utf8');
}

export const recordingOperations = {
	/** A GET of a file: safe to repeat after a failure. */
	async download(this: IExecuteFunctions, itemIndex: number) {
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
	},
};

export const transcriptionOperations = {
	async download(this: IExecuteFunctions, itemIndex: number) {
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
	},
};

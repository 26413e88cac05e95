/**
 * What Recording → Download and Transcription → Download share. Both fetch the file behind a URL
 * that a record action's events carry, with the application JWT (Vonage serves it only to the
 * application that recorded it), and request it only from Vonage's own API hosts or the
 * credential's Base URL (checkVonageFileUrl).
 */
import type { INodeProperties } from 'n8n-workflow';

/** The Max Size option of a download, with its default. */
export function sizeOption(defaultMb: number): INodeProperties {
	return {
		displayName: 'Max Size (MB)',
		name: 'maxSizeMb',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10240 },
		default: defaultMb,
		description: `The download is refused, and nothing more is read, once it is larger than this (default ${defaultMb} MB)`,
	};
}

/** The media type alone, lowercased: "audio/mpeg; charset=…" → "audio/mpeg". */
export const mediaType = (contentType: string) => contentType.split(';')[0].trim().toLowerCase();

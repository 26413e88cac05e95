/**
 * What Recording → Download and Transcription → Download share. Both fetch the file behind a URL
 * that a record action's events carry, with the application JWT (Vonage serves it only to the
 * application that recorded it), and request it only from Vonage's own API hosts or the
 * credential's Base URL (checkVonageFileUrl).
 */
import type { INodeProperties } from 'n8n-workflow';

/**
 * The URL field of a download. From version 4 it starts empty, as every identifier does (CONTRIBUTING,
 * "Defaults"): the user maps the event's field. Versions 1 to 3 keep the expression they defaulted
 * to, since n8n left it out of the workflows it saved and they still need it.
 */
export function downloadUrlFields(
	field: Pick<INodeProperties, 'displayName' | 'name' | 'description'>,
	eventField: string,
	show: { resource: string[]; operation: string[] },
): INodeProperties[] {
	const common = {
		...field,
		type: 'string' as const,
		required: true,
		placeholder: 'https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
	};
	return [
		{
			...common,
			default: `={{ $json.${eventField} }}`,
			displayOptions: { show: { ...show, '@version': [1, 2, 3] } },
		},
		{
			...common,
			default: '',
			displayOptions: { show: { ...show, '@version': [{ _cnd: { gte: 4 } }] } },
		},
	];
}

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

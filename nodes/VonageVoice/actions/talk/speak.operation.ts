import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkWholeNumber, FieldError } from '../../../shared/kit/validation';
import { levelOption, loopAndLevel, loopOption, sendCallAudio } from '../fields/callAudio';
import { callUuidOf } from '../fields/callUuid';

/** Voice reads at most this much text in one talk action. */
const MAX_TALK_CHARACTERS = 1500;

/** Speak's fields; it also takes the Call UUID (fields/callUuid.ts). */
export const description: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 3 },
		description: 'Up to 1,500 characters; SSML is accepted',
		displayOptions: { show: { resource: ['talk'], operation: ['speak'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['talk'], operation: ['speak'] } },
		options: [
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: 'en-US',
				placeholder: 'en-GB',
				description: 'BCP-47 language code of the voice',
			},
			levelOption,
			loopOption('read'),
			{
				displayName: 'Premium',
				name: 'premium',
				type: 'boolean',
				default: false,
				description: 'Whether to use the premium (neural) voice of the language',
			},
			{
				displayName: 'Style',
				name: 'style',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'The voice style of the language (see Vonage’s list of languages and styles)',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const uuid = callUuidOf(this, itemIndex);
	const text = String(this.getNodeParameter('text', itemIndex, ''));
	if (!text.trim() || text.length > MAX_TALK_CHARACTERS) {
		throw new FieldError(
			'Text',
			`expected 1 to ${MAX_TALK_CHARACTERS} characters, got ${text.trim() ? text.length : 'none'}`,
		);
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = { text };
	if (options.language) {
		const language = String(options.language).trim();
		if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language)) {
			throw new FieldError(
				'Options → Language',
				`expected a BCP-47 code such as en-US, got "${language}"`,
			);
		}
		body.language = language;
	}
	if (options.style !== undefined)
		body.style = checkWholeNumber('Options → Style', options.style, 0, 100);
	if (options.premium !== undefined) body.premium = Boolean(options.premium);
	return await sendCallAudio(this, itemIndex, uuid, 'talk', { ...body, ...loopAndLevel(options) });
}

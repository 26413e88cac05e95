import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkUrl } from '../../shared/kit/validation';
import { nccoFrom } from '../ncco/builder';
import { HTTP_METHODS } from '../ncco/common';
import { nccoActionsField, nccoSourceFields } from '../ncco/fields';
import type { CreateCallFieldsOptions, ShowFor } from './index';

/** Call Control: an NCCO given here (built from fields or as JSON), or an answer URL. */
export function callControlFields(
	{ resource, operation, nccoVersions }: CreateCallFieldsOptions,
	show: ShowFor,
): INodeProperties[] {
	return [
		{
			displayName: 'Call Control',
			name: 'callControl',
			type: 'options',
			options: [
				{ name: 'NCCO', value: 'ncco', description: 'Actions given here' },
				{
					name: 'Answer URL',
					value: 'answerUrl',
					description: 'Vonage fetches the NCCO from a URL',
				},
			],
			default: 'ncco',
			displayOptions: show(),
			description:
				'What happens when the callee answers: the NCCO given here, or one that Vonage fetches from your Answer URL',
		},
		...nccoSourceFields(
			'nccoSource',
			{ resource: [resource], operation: [operation], callControl: ['ncco'] },
			nccoVersions.json,
			nccoVersions.build,
		),
		nccoActionsField('nccoActions', show({ callControl: ['ncco'], nccoSource: ['build'] })),
		{
			displayName: 'NCCO (JSON)',
			name: 'ncco',
			type: 'json',
			default: '[{"action": "talk", "text": "Hello from n8n"}]',
			displayOptions: show({ callControl: ['ncco'], nccoSource: ['json'] }),
			description:
				'The Call Control Object: a JSON array of actions Vonage runs in order once the callee answers, e.g. [{"action": "talk", "text": "Hello"}] (Vonage’s NCCO reference lists every action)',
		},
		{
			displayName: 'Answer URL',
			name: 'answerUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://example.com/answer',
			displayOptions: show({ callControl: ['answerUrl'] }),
			description:
				'A public http(s) URL that Vonage asks for the NCCO when the callee answers; it must reply with a JSON array of NCCO actions',
		},
		{
			displayName: 'Answer Method',
			name: 'answerMethod',
			type: 'options',
			options: HTTP_METHODS,
			default: 'GET',
			displayOptions: show({ callControl: ['answerUrl'] }),
			description:
				'How Vonage requests the Answer URL: GET puts the call’s details in the query string, POST in a JSON body',
		},
	];
}

/** The body's call control: `ncco`, built or parsed and checked, or `answer_url` and its method. */
export function callControlOf(context: IExecuteFunctions, itemIndex: number): IDataObject {
	if (context.getNodeParameter('callControl', itemIndex) === 'ncco') {
		const ncco = nccoFrom(
			context.getNodeParameter('nccoSource', itemIndex, 'json'),
			() => context.getNodeParameter('nccoActions', itemIndex, {}),
			() => context.getNodeParameter('ncco', itemIndex),
			{ actions: 'Actions', json: 'NCCO (JSON)' },
		);
		return { ncco };
	}
	return {
		answer_url: [checkUrl('Answer URL', context.getNodeParameter('answerUrl', itemIndex))],
		answer_method: context.getNodeParameter('answerMethod', itemIndex),
	};
}

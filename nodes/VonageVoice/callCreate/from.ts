import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredPhoneNumber } from '../../shared/kit/itemHelpers';
import type { ShowFor } from './index';

/** From: the caller ID, a number of the account or one Vonage picks. */
export function fromFields(show: ShowFor): INodeProperties[] {
	return [
		{
			displayName: 'From',
			name: 'fromType',
			type: 'options',
			options: [
				{
					name: 'Phone Number',
					value: 'phone',
					description: 'A number of your Vonage account, given below',
				},
				{
					name: 'Random Number of the Application',
					value: 'random',
					description: 'Vonage picks one of the numbers linked to the application',
				},
			],
			default: 'phone',
			displayOptions: show(),
			description: 'The caller ID the callee sees',
		},
		{
			displayName: 'From Number',
			name: 'fromNumber',
			type: 'string',
			required: true,
			default: '',
			placeholder: '14155550100',
			displayOptions: show({ fromType: ['phone'] }),
			description:
				'A Vonage number you rent (API Dashboard → Numbers → Your numbers), in international format, e.g. 14155550100; a leading + is removed. The callee sees it as the caller ID. A number linked to this application (Dashboard → Applications → your application) is the safe choice.',
		},
	];
}

/** The body's caller: `from`, checked, or `random_from_number`. */
export function callerOf(context: IExecuteFunctions, itemIndex: number): IDataObject {
	if (context.getNodeParameter('fromType', itemIndex) === 'random') {
		return { random_from_number: true };
	}
	const number = requiredPhoneNumber(context, 'fromNumber', 'From Number', itemIndex);
	return { from: { type: 'phone', number: number.replace(/^\+/, '') } };
}

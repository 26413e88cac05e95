import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredPhoneNumber } from '../../shared/kit/itemHelpers';
import { checkUrl, FieldError } from '../../shared/kit/validation';
import { ENDPOINT_TYPE_OPTIONS } from '../ncco/fields';
import type { ShowFor } from './index';

/** To: the endpoint type, then the one field that type takes. */
export function toFields(show: ShowFor): INodeProperties[] {
	return [
		{
			displayName: 'To',
			name: 'toType',
			type: 'options',
			options: ENDPOINT_TYPE_OPTIONS,
			default: 'phone',
			displayOptions: show(),
			description: 'Who the call goes to',
		},
		{
			displayName: 'Phone Number',
			name: 'toNumber',
			type: 'string',
			required: true,
			default: '',
			placeholder: '14155550100',
			displayOptions: show({ toType: ['phone'] }),
			description:
				'The number to call, in international format: country code and number, 7 to 15 digits, e.g. 14155550100. A leading +, spaces and dashes are removed.',
		},
		{
			displayName: 'SIP URI',
			name: 'toUri',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'sip:rebekka@sip.example.com',
			displayOptions: show({ toType: ['sip'] }),
			description: 'The SIP address to call, starting with sip: or sips:',
		},
		{
			displayName: 'WebSocket URI',
			name: 'toUri',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'wss://example.com/socket',
			displayOptions: show({ toType: ['websocket'] }),
			description:
				'The ws:// or wss:// URL of your WebSocket server. Vonage streams the call’s audio to it as 16 kHz linear PCM.',
		},
		{
			displayName: 'Extension',
			name: 'toExtension',
			type: 'string',
			required: true,
			default: '',
			placeholder: '1001',
			displayOptions: show({ toType: ['vbc'] }),
			description:
				'The extension of the Vonage Business Communications (VBC) user to ring, digits only, as the VBC admin portal lists it',
		},
		{
			displayName: 'User Name',
			name: 'toUser',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'jamie',
			displayOptions: show({ toType: ['app'] }),
			description:
				'The name (not the USR- ID) of a user of this application, as created with Vonage Platform → Create a User. The call rings in the Client SDK app that user is signed in to.',
		},
	];
}

/** The endpoint the call goes to, checked; a phone also takes Options → DTMF on Answer. */
export function toEndpoint(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): IDataObject {
	switch (context.getNodeParameter('toType', itemIndex)) {
		case 'phone': {
			const to: IDataObject = {
				type: 'phone',
				number: requiredPhoneNumber(context, 'toNumber', 'To → Phone Number', itemIndex).replace(
					/^\+/,
					'',
				),
			};
			if (options.dtmfAnswer) to.dtmfAnswer = options.dtmfAnswer;
			return to;
		}
		case 'sip':
			return {
				type: 'sip',
				uri: checkUrl('To → SIP URI', context.getNodeParameter('toUri', itemIndex), [
					'sip:',
					'sips:',
				]),
			};
		case 'websocket':
			return {
				type: 'websocket',
				uri: checkUrl('To → WebSocket URI', context.getNodeParameter('toUri', itemIndex), [
					'ws:',
					'wss:',
				]),
				'content-type': 'audio/l16;rate=16000',
			};
		case 'vbc': {
			const extension = String(context.getNodeParameter('toExtension', itemIndex, '')).trim();
			if (!/^\d+$/.test(extension))
				throw new FieldError('To → Extension', `expected digits, got "${extension}"`);
			return { type: 'vbc', extension };
		}
		default: {
			const user = String(context.getNodeParameter('toUser', itemIndex, '')).trim();
			if (!user) throw new FieldError('To → User Name', 'required');
			return { type: 'app', user };
		}
	}
}

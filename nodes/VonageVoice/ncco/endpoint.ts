import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { checkPhoneNumber, isSet, text } from './values';
import { checkUrl, FieldError } from '../../shared/kit/validation';

/** The endpoints of a connect action: their fields (one Endpoints entry) and their building. */

/** Where a call or a connect action goes: the endpoint types of Voice calls and of connect. */
export const ENDPOINT_TYPE_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'App User',
		value: 'app',
		description: 'A user of the application, in a Client SDK app',
	},
	{ name: 'Phone', value: 'phone', description: 'A phone number' },
	{ name: 'SIP', value: 'sip', description: 'A SIP address, e.g. of a PBX or a SIP phone' },
	{
		name: 'VBC Extension',
		value: 'vbc',
		description: 'The extension of a Vonage Business Communications user',
	},
	{
		name: 'WebSocket',
		value: 'websocket',
		description: 'Your WebSocket server, which receives the call’s audio',
	},
];

/** The audio formats Voice streams to a WebSocket. */
export const WEBSOCKET_CONTENT_TYPES: INodePropertyOptions[] = [
	{ name: '16 kHz Linear PCM', value: 'audio/l16;rate=16000' },
	{ name: '8 kHz Linear PCM', value: 'audio/l16;rate=8000' },
];

/** The fields of one endpoint; each type's fields show only for that type. */
export const endpointFields = (): INodeProperties[] => [
	{
		displayName: 'Content Type',
		name: 'contentType',
		type: 'options',
		options: WEBSOCKET_CONTENT_TYPES,
		default: 'audio/l16;rate=16000',
		displayOptions: { show: { endpointType: ['websocket'] } },
		description: 'The audio format sent over the WebSocket',
	},
	{
		displayName: 'DTMF Answer',
		name: 'dtmfAnswer',
		type: 'string',
		default: '',
		placeholder: 'p*123#',
		displayOptions: { show: { endpointType: ['phone'] } },
		description: 'Keypad digits sent once the phone answers: 0-9, *, # and p (a 500 ms pause)',
	},
	{
		displayName: 'Endpoint Type',
		name: 'endpointType',
		type: 'options',
		options: ENDPOINT_TYPE_OPTIONS,
		default: 'phone',
		description: 'What kind of endpoint this is',
	},
	{
		displayName: 'Extension',
		name: 'extension',
		type: 'string',
		default: '',
		placeholder: '1001',
		displayOptions: { show: { endpointType: ['vbc'] } },
		description: 'The VBC extension, digits only',
	},
	{
		displayName: 'Number',
		name: 'number',
		type: 'string',
		default: '',
		placeholder: '14155550100',
		displayOptions: { show: { endpointType: ['phone'] } },
		description:
			'The number in international format, 7 to 15 digits; a leading +, spaces and dashes are removed',
	},
	{
		displayName: 'SIP URI',
		name: 'sipUri',
		type: 'string',
		default: '',
		placeholder: 'sip:rebekka@sip.example.com',
		displayOptions: { show: { endpointType: ['sip'] } },
		description: 'The SIP address, starting with sip: or sips:',
	},
	{
		displayName: 'URI',
		name: 'uri',
		type: 'string',
		default: '',
		placeholder: 'wss://example.com/socket',
		displayOptions: { show: { endpointType: ['websocket'] } },
		description: 'The ws:// or wss:// URL of your WebSocket server',
	},
	{
		displayName: 'User',
		name: 'user',
		type: 'string',
		default: '',
		placeholder: 'jamie',
		displayOptions: { show: { endpointType: ['app'] } },
		description: 'The name of a user of this application',
	},
];

/** One endpoint of a connect action; `at` names it in errors ("… → Endpoints → 2"). */
export function buildEndpoint(endpoint: IDataObject, at: string): IDataObject {
	// An expression can put anything in the list; only an object of fields is an endpoint.
	if (!endpoint || typeof endpoint !== 'object' || Array.isArray(endpoint))
		throw new FieldError(at, 'expected an endpoint with its fields (Type, Number, …)');
	const type = text(endpoint.endpointType) || 'phone';
	switch (type) {
		case 'phone': {
			const number = checkPhoneNumber(`${at} → Number`, endpoint.number);
			const out: IDataObject = { type: 'phone', number };
			if (isSet(endpoint.dtmfAnswer)) {
				const digits = text(endpoint.dtmfAnswer);
				if (!/^[0-9*#p]{1,100}$/.test(digits))
					throw new FieldError(
						`${at} → DTMF Answer`,
						`expected 0-9, *, # and p (a pause), got "${digits}"`,
					);
				out.dtmfAnswer = digits;
			}
			return out;
		}
		case 'app': {
			const user = text(endpoint.user);
			if (!user)
				throw new FieldError(`${at} → User`, 'required: the name of a user of the application');
			return { type: 'app', user };
		}
		case 'websocket': {
			const contentType = text(endpoint.contentType) || 'audio/l16;rate=16000';
			if (!/^audio\/l16;rate=(8000|16000)$/.test(contentType))
				throw new FieldError(
					`${at} → Content Type`,
					`expected audio/l16;rate=16000 or audio/l16;rate=8000, got "${contentType}"`,
				);
			return {
				type: 'websocket',
				uri: checkUrl(`${at} → URI`, endpoint.uri, ['ws:', 'wss:']),
				'content-type': contentType,
			};
		}
		case 'sip':
			return { type: 'sip', uri: checkUrl(`${at} → SIP URI`, endpoint.sipUri, ['sip:', 'sips:']) };
		case 'vbc': {
			const extension = text(endpoint.extension);
			if (!/^\d+$/.test(extension))
				throw new FieldError(`${at} → Extension`, `expected digits, got "${extension}"`);
			return { type: 'vbc', extension };
		}
		default:
			throw new FieldError(
				`${at} → Endpoint Type`,
				`expected app, phone, sip, vbc or websocket, got "${type}"`,
			);
	}
}

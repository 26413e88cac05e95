import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { checkUrl, checkWholeNumber, FieldError } from '../../../shared/kit/validation';
import { HTTP_METHODS } from '../../../VonageVoice/ncco/common';

/**
 * The capabilities of an application, described once and used three ways: to build the
 * field-by-field UI, to turn those fields into the API's nested object, and to check the
 * documented bounds before anything is sent.
 */
interface NumberBound {
	min: number;
	max: number;
	unit: string;
}

interface WebhookSpec {
	key: string;
	label: string;
	methods?: string[];
	/** Voice webhooks carry timeouts; event_url allows a longer socket timeout. */
	timeouts?: { socket: NumberBound };
	/** Video webhooks are switched on and off with an `active` flag. */
	activeFlag?: boolean;
	/** What Vonage sends there, when "Where Vonage sends the <label> webhooks" would not say it. */
	description?: string;
}

interface SettingSpec {
	key: string;
	label: string;
	type: 'boolean' | 'number' | 'string' | 'options';
	options?: string[];
	bound?: NumberBound;
	description?: string;
	/** A boolean's value when the user adds it; false unless given. */
	default?: boolean;
}

interface CapabilitySpec {
	key: string;
	label: string;
	webhooks: WebhookSpec[];
	settings: SettingSpec[];
	/** Settings that live in a nested object of the capability (video `storage`). */
	nested?: { key: string; settings: SettingSpec[] };
}

const CONNECT_TIMEOUT: NumberBound = { min: 300, max: 1000, unit: 'ms' };
const SOCKET_TIMEOUT: NumberBound = { min: 1000, max: 5000, unit: 'ms' };
const EVENT_SOCKET_TIMEOUT: NumberBound = { min: 1000, max: 10000, unit: 'ms' };
export const VOICE_REGIONS = [
	'na-east',
	'na-west',
	'eu-east',
	'eu-west',
	'apac-sng',
	'apac-australia',
];
const GET_POST = ['GET', 'POST'];
const POST = ['POST'];

const VIDEO_WEBHOOKS = [
	'archive_status',
	'broadcast_status',
	'captions_status',
	'connection_created',
	'connection_destroyed',
	'render_status',
	'session_created',
	'session_destroyed',
	'session_notification',
	'sip_call_created',
	'sip_call_destroyed',
	'sip_call_mute_forced',
	'sip_call_updated',
	'stream_created',
	'stream_destroyed',
];

const title = (snake: string) =>
	snake
		.split('_')
		.map((word) =>
			word === 'url' ? 'URL' : word === 'sip' ? 'SIP' : word[0].toUpperCase() + word.slice(1),
		)
		.join(' ');

export const CAPABILITIES: CapabilitySpec[] = [
	{
		key: 'voice',
		label: 'Voice',
		webhooks: [
			{
				key: 'answer_url',
				label: 'Answer URL',
				methods: GET_POST,
				timeouts: { socket: SOCKET_TIMEOUT },
				description:
					'Where Vonage asks for the NCCO of an incoming call to the application’s numbers (the Vonage Voice Trigger sets it itself when it answers calls)',
			},
			{
				key: 'fallback_answer_url',
				label: 'Fallback Answer URL',
				methods: GET_POST,
				timeouts: { socket: SOCKET_TIMEOUT },
				description:
					'Where Vonage asks for an NCCO when the Answer URL fails or does not answer in time',
			},
			{
				key: 'event_url',
				label: 'Event URL',
				methods: GET_POST,
				timeouts: { socket: EVENT_SOCKET_TIMEOUT },
				description:
					'Where Vonage sends the application’s call events (the Vonage Voice Trigger sets it itself)',
			},
		],
		settings: [
			// On unless turned off, as Vonage has it: adding the setting must not switch signing off.
			{
				key: 'signed_callbacks',
				label: 'Signed Callbacks',
				type: 'boolean',
				default: true,
				description:
					'Whether Vonage signs its webhooks with a JWT, so a receiver can tell them from forged ones',
			},
			{
				key: 'conversations_ttl',
				label: 'Conversations TTL (Hours)',
				type: 'number',
				bound: { min: 1, max: 9000, unit: 'hours' },
				description:
					'How long a named conversation stays active after it was created (Vonage’s default: 48)',
			},
			{
				key: 'leg_persistence_time',
				label: 'Leg Persistence Time (Days)',
				type: 'number',
				bound: { min: 1, max: 31, unit: 'days' },
				description: 'How long Vonage keeps the legs of a call (Vonage’s default: 2)',
			},
			{
				key: 'region',
				label: 'Region',
				type: 'options',
				options: VOICE_REGIONS,
				description:
					'The Vonage region that handles the application’s inbound and SIP calls, e.g. eu-west for Europe West',
			},
		],
	},
	{
		key: 'rtc',
		label: 'RTC',
		webhooks: [
			{
				key: 'event_url',
				label: 'Event URL',
				methods: GET_POST,
				description: 'Where Vonage sends the RTC (Client SDK) events of the application',
			},
		],
		settings: [
			{
				key: 'signed_callbacks',
				label: 'Signed Callbacks',
				type: 'boolean',
				default: true,
				description: 'Whether Vonage signs its RTC webhooks with a JWT',
			},
		],
	},
	{
		key: 'messages',
		label: 'Messages',
		webhooks: [
			{
				key: 'inbound_url',
				label: 'Inbound URL',
				methods: POST,
				description:
					'Where Vonage sends the messages that the application’s numbers and accounts receive',
			},
			{
				key: 'status_url',
				label: 'Status URL',
				methods: POST,
				description: 'Where Vonage sends the delivery status of the messages the application sends',
			},
		],
		settings: [
			{
				key: 'version',
				label: 'Version',
				type: 'options',
				options: ['v0.1', 'v1'],
				description: 'The format of the Messages webhooks. Not set: Vonage uses v1.',
			},
			{
				key: 'authenticate_inbound_media',
				label: 'Authenticate Inbound Media',
				type: 'boolean',
				description:
					'Whether downloading the media (images, files) of received messages needs authentication',
			},
		],
	},
	{
		key: 'meetings',
		label: 'Meetings',
		webhooks: ['room_changed', 'session_changed', 'recording_changed'].map((key) => ({
			key,
			label: title(key),
			methods: POST,
		})),
		settings: [],
	},
	{
		key: 'verify',
		label: 'Verify',
		webhooks: [
			{
				key: 'status_url',
				label: 'Status URL',
				methods: POST,
				description: 'Where Vonage sends the status of the application’s verification requests',
			},
		],
		settings: [
			{
				key: 'version',
				label: 'Version',
				type: 'options',
				options: ['v2'],
				description: 'The version of the Verify API the application uses',
			},
		],
	},
	{
		key: 'network_apis',
		label: 'Network APIs',
		webhooks: [],
		settings: [
			{
				key: 'network_application_id',
				label: 'Network Application ID',
				type: 'string',
				description:
					'The ID of the network application (Vonage Network Registry) that this application uses',
			},
			{
				key: 'redirect_uri',
				label: 'Redirect URI',
				type: 'string',
				description: 'The https URL that the network operator’s sign-in redirects back to',
			},
		],
	},
	{
		key: 'video',
		label: 'Video',
		webhooks: VIDEO_WEBHOOKS.map((key) => ({ key, label: title(key), activeFlag: true })),
		settings: [],
		nested: {
			key: 'storage',
			settings: [
				{ key: 'server_side_encryption', description: 'Whether to use server-side encryption' },
				{ key: 'end_to_end_encryption', description: 'Whether to use end-to-end encryption' },
				{ key: 'cloud_storage', description: 'Whether to use the cloud storage feature' },
			].map(({ key, description }) => ({
				key,
				label: title(key),
				type: 'boolean' as const,
				description,
			})),
		},
	},
];

const option = (value: string): INodePropertyOptions => ({ name: value, value });

function settingProperty(setting: SettingSpec): INodeProperties {
	const base = { displayName: setting.label, name: setting.key, description: setting.description };
	switch (setting.type) {
		case 'boolean':
			return { ...base, type: 'boolean', default: setting.default ?? false };
		case 'number':
			return {
				...base,
				type: 'number',
				default: setting.bound!.min,
				description: `${setting.description ? `${setting.description}: ` : ''}${setting.bound!.min} to ${setting.bound!.max} ${setting.bound!.unit}`,
			};
		case 'options':
			return {
				...base,
				type: 'options',
				options: setting.options!.map(option),
				default: setting.options![0],
			};
		default:
			return { ...base, type: 'string', default: '' };
	}
}

function webhookProperties(hook: WebhookSpec): INodeProperties[] {
	const properties: INodeProperties[] = [
		{
			displayName: hook.label,
			name: hook.key,
			type: 'string',
			default: '',
			placeholder: 'https://example.com/webhooks',
			description: `${hook.description ?? `Where Vonage sends the ${hook.label} webhooks`}, as a public https URL`,
		},
	];
	if (hook.methods && hook.methods.length > 1) {
		const method: INodeProperties = {
			displayName: `${hook.label}: Method`,
			name: `${hook.key}__http_method`,
			type: 'options',
			// Only voice and RTC webhooks offer a choice, and it is always GET or POST.
			options: HTTP_METHODS,
			default: 'POST',
			description: `How Vonage requests the ${hook.label}`,
		};
		// Vonage fetches NCCOs with GET unless told otherwise.
		if (hook.key === 'answer_url' || hook.key === 'fallback_answer_url') method.default = 'GET';
		properties.push(method);
	}
	if (hook.timeouts) {
		properties.push(
			{
				displayName: `${hook.label}: Connect Timeout (Ms)`,
				name: `${hook.key}__connect_timeout`,
				type: 'number',
				default: 1000,
				description: `${CONNECT_TIMEOUT.min} to ${CONNECT_TIMEOUT.max} ms: when Vonage cannot connect within this time, it tries once more`,
			},
			{
				displayName: `${hook.label}: Socket Timeout (Ms)`,
				name: `${hook.key}__socket_timeout`,
				type: 'number',
				default: 5000,
				description: `${hook.timeouts.socket.min} to ${hook.timeouts.socket.max} ms: when the answer cannot be read within this time, Vonage tries once more`,
			},
		);
	}
	if (hook.activeFlag) {
		properties.push({
			displayName: `${hook.label}: Active`,
			name: `${hook.key}__active`,
			type: 'boolean',
			default: true,
			description: `Whether Vonage sends the ${hook.label} webhooks`,
		});
	}
	return properties;
}

/** One collection per capability, shown for Create and Update in fields mode. */
export function capabilityProperties(show: {
	resource: string[];
	operation: string[];
}): INodeProperties[] {
	return CAPABILITIES.map((capability) => ({
		displayName: `${capability.label} Capability`,
		name: `capability_${capability.key}`,
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: { show: { ...show, capabilitiesInput: ['fields'] } },
		options: [
			...capability.webhooks.flatMap(webhookProperties),
			...capability.settings.map(settingProperty),
			...(capability.nested?.settings.map((setting) => ({
				...settingProperty(setting),
				name: `${capability.nested!.key}__${setting.key}`,
				displayName: `Storage: ${setting.label}`,
			})) ?? []),
		].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	}));
}

function checkBound(label: string, value: unknown, bound: NumberBound): number {
	return checkWholeNumber(label, value, bound.min, bound.max, bound.unit);
}

/** Turns the field collections into a partial capabilities object, checking every bound. */
export function capabilitiesFromFields(fields: Record<string, IDataObject>): IDataObject {
	const result: IDataObject = {};
	for (const capability of CAPABILITIES) {
		const values = fields[capability.key] ?? {};
		if (Object.keys(values).length === 0) continue;
		const built: IDataObject = {};
		const webhooks: IDataObject = {};
		for (const hook of capability.webhooks) {
			const label = `${capability.label} → ${hook.label}`;
			const entry: IDataObject = {};
			if (values[hook.key] !== undefined && values[hook.key] !== '')
				entry.address = checkUrl(label, values[hook.key]);
			if (values[`${hook.key}__http_method`] !== undefined)
				entry.http_method = values[`${hook.key}__http_method`];
			else if (entry.address && hook.methods?.length === 1) entry.http_method = hook.methods[0];
			if (values[`${hook.key}__connect_timeout`] !== undefined) {
				entry.connect_timeout = checkBound(
					`${label}: Connect Timeout`,
					values[`${hook.key}__connect_timeout`],
					CONNECT_TIMEOUT,
				);
			}
			if (values[`${hook.key}__socket_timeout`] !== undefined && hook.timeouts) {
				entry.socket_timeout = checkBound(
					`${label}: Socket Timeout`,
					values[`${hook.key}__socket_timeout`],
					hook.timeouts.socket,
				);
			}
			if (values[`${hook.key}__active`] !== undefined)
				entry.active = Boolean(values[`${hook.key}__active`]);
			if (Object.keys(entry).length) webhooks[hook.key] = entry;
		}
		if (Object.keys(webhooks).length) built.webhooks = webhooks;
		for (const setting of capability.settings) {
			const value = values[setting.key];
			if (value === undefined || value === '') continue;
			const label = `${capability.label} → ${setting.label}`;
			if (setting.bound) built[setting.key] = checkBound(label, value, setting.bound);
			else if (setting.options && !setting.options.includes(String(value))) {
				throw new FieldError(
					label,
					`expected one of ${setting.options.join(', ')}, got "${String(value)}"`,
				);
			} else built[setting.key] = value;
		}
		if (capability.nested) {
			const nested: IDataObject = {};
			for (const setting of capability.nested.settings) {
				const value = values[`${capability.nested.key}__${setting.key}`];
				if (value !== undefined) nested[setting.key] = Boolean(value);
			}
			if (Object.keys(nested).length) built[capability.nested.key] = nested;
		}
		result[capability.key] = built;
	}
	return result;
}

/** Checks a whole capabilities object given as JSON against the same bounds. */
export function checkCapabilitiesJson(capabilities: IDataObject): void {
	const voice = capabilities.voice as IDataObject | undefined;
	if (voice) {
		const hooks = (voice.webhooks ?? {}) as Record<string, IDataObject>;
		for (const hook of CAPABILITIES[0].webhooks) {
			const entry = hooks[hook.key];
			if (!entry) continue;
			const label = `capabilities.voice.webhooks.${hook.key}`;
			if (entry.address !== undefined) checkUrl(`${label}.address`, entry.address);
			if (entry.connect_timeout !== undefined)
				checkBound(`${label}.connect_timeout`, entry.connect_timeout, CONNECT_TIMEOUT);
			if (entry.socket_timeout !== undefined)
				checkBound(`${label}.socket_timeout`, entry.socket_timeout, hook.timeouts!.socket);
		}
		for (const setting of CAPABILITIES[0].settings) {
			const value = voice[setting.key];
			if (value === undefined) continue;
			if (setting.bound) checkBound(`capabilities.voice.${setting.key}`, value, setting.bound);
			if (setting.options && !setting.options.includes(String(value))) {
				throw new FieldError(
					`capabilities.voice.${setting.key}`,
					`expected one of ${setting.options.join(', ')}, got "${String(value)}"`,
				);
			}
		}
	}
	if (
		capabilities.vbc !== undefined &&
		(typeof capabilities.vbc !== 'object' || Object.keys(capabilities.vbc as object).length)
	) {
		throw new FieldError('capabilities.vbc', 'expected an empty object {}');
	}
	for (const [key, value] of Object.entries(capabilities)) {
		if (!value || typeof value !== 'object' || Array.isArray(value)) {
			throw new FieldError(
				`capabilities.${key}`,
				`expected an object, got ${JSON.stringify(value)}`,
			);
		}
		checkUrlsWithin(`capabilities.${key}`, value as IDataObject);
	}
}

/** Every webhook address and *_url anywhere in a capability must be an http(s) URL. */
function checkUrlsWithin(path: string, value: IDataObject, depth = 0): void {
	if (depth > 8) throw new FieldError(path, 'nested too deep');
	for (const [key, entry] of Object.entries(value)) {
		const label = `${path}.${key}`;
		if (entry && typeof entry === 'object' && !Array.isArray(entry))
			checkUrlsWithin(label, entry as IDataObject, depth + 1);
		else if (
			(key === 'address' || key === 'url' || key.endsWith('_url')) &&
			entry !== undefined &&
			entry !== ''
		)
			checkUrl(label, entry);
	}
}

/**
 * Reads may spell a webhook's timeout `connection_timeout`; the API takes `connect_timeout`.
 * A merged entry keeps one: the new spelling, with the value set last.
 */
function oneConnectTimeout(value: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, entry] of Object.entries(value)) {
		out[key] =
			entry && typeof entry === 'object' && !Array.isArray(entry)
				? oneConnectTimeout(entry as IDataObject)
				: entry;
	}
	if (out.connection_timeout !== undefined) {
		if (out.connect_timeout === undefined) out.connect_timeout = out.connection_timeout;
		delete out.connection_timeout;
	}
	return out;
}

/** Deep merge for Update: objects merge key by key, anything else replaces. */
export function mergeCapabilities(current: IDataObject, change: IDataObject): IDataObject {
	return oneConnectTimeout(deepMerge(current, change));
}

function deepMerge(current: IDataObject, change: IDataObject): IDataObject {
	const merged: IDataObject = { ...current };
	for (const [key, value] of Object.entries(change)) {
		const existing = merged[key];
		merged[key] =
			value &&
			typeof value === 'object' &&
			!Array.isArray(value) &&
			existing &&
			typeof existing === 'object' &&
			!Array.isArray(existing)
				? deepMerge(existing as IDataObject, value as IDataObject)
				: value;
	}
	return merged;
}

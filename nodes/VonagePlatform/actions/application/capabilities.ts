/**
 * The capabilities of an application, described once and used three ways: to build the
 * field-by-field UI (capabilityFields.ts), to turn those fields into the API's nested object, and
 * to check the documented bounds before anything is sent (capabilityValues.ts).
 */
export interface NumberBound {
	min: number;
	max: number;
	unit: string;
}

export interface WebhookSpec {
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

export interface SettingSpec {
	key: string;
	label: string;
	type: 'boolean' | 'number' | 'string' | 'options';
	options?: string[];
	/** What the panel shows for an option, when its value is a code rather than words. */
	labels?: Record<string, string>;
	bound?: NumberBound;
	description?: string;
	/** A boolean's value when the user adds it; false unless given. */
	default?: boolean;
}

export interface CapabilitySpec {
	key: string;
	label: string;
	webhooks: WebhookSpec[];
	settings: SettingSpec[];
	/** Settings that live in a nested object of the capability (video `storage`). */
	nested?: { key: string; settings: SettingSpec[] };
}

export const CONNECT_TIMEOUT: NumberBound = { min: 300, max: 1000, unit: 'ms' };
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
				labels: {
					'na-east': 'North America East (na-east)',
					'na-west': 'North America West (na-west)',
					'eu-east': 'Europe East (eu-east)',
					'eu-west': 'Europe West (eu-west)',
					'apac-sng': 'Asia Pacific, Singapore (apac-sng)',
					'apac-australia': 'Asia Pacific, Australia (apac-australia)',
				},
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

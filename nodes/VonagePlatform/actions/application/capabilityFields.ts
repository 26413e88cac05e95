import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { HTTP_METHODS } from '../../../VonageVoice/ncco/common';
import { CAPABILITIES, CONNECT_TIMEOUT, type SettingSpec, type WebhookSpec } from './capabilities';

/** The capabilities' field-by-field UI, built from the table in capabilities.ts. */

const option =
	(labels: Record<string, string> = {}) =>
	(value: string): INodePropertyOptions => ({ name: labels[value] ?? value, value });

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
				options: setting.options!.map(option(setting.labels)),
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

import type { IDataObject } from 'n8n-workflow';

import { checkUrl, checkWholeNumber, FieldError } from '../../../shared/kit/validation';
import { CAPABILITIES, CONNECT_TIMEOUT, type NumberBound } from './capabilities';

/** The capabilities' values: from the fields or JSON to the API's object, checked, and merged. */

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

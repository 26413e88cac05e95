import type { IDataObject, IHookFunctions, ITriggerFunctions } from 'n8n-workflow';

import { vonageRequest } from '../../shared/request/transport';
import { apiPath } from '../../shared/request/urlPath';

/** VIS's webhook registrations as the trigger uses them: read, renew, create, adopt, delete. */
export type Context = IHookFunctions | ITriggerFunctions;

/** The registration as VIS has it, or undefined when VIS no longer knows it. */
export async function fetchWebhook(
	context: Context,
	webhookId: string,
): Promise<IDataObject | undefined> {
	return await vonageRequest(context, {
		api: 'vis',
		method: 'GET',
		path: apiPath`/self/webhooks/${webhookId}`,
		notFoundIsUndefined: true,
	});
}

/** Deletes a registration; one VIS no longer knows counts as deleted. */
export async function deleteWebhook(context: Context, webhookId: string): Promise<void> {
	await vonageRequest(context, {
		api: 'vis',
		method: 'DELETE',
		path: apiPath`/self/webhooks/${webhookId}`,
		notFoundIsUndefined: true,
	});
}

export async function renew(context: Context, hook: IDataObject): Promise<IDataObject> {
	const renewed: IDataObject = await vonageRequest(context, {
		api: 'vis',
		method: 'PUT',
		path: apiPath`/self/webhooks/${String(hook.id)}/renew`,
	});
	context.logger.info(
		`Vonage VIS Trigger renewed webhook ${String(hook.id)} until ${String(renewed.expireAt)}`,
	);
	return { ...hook, ...renewed };
}

export async function createWebhook(
	context: Context,
	url: string,
	signingKey: string,
): Promise<IDataObject> {
	const hook: IDataObject = await vonageRequest(context, {
		api: 'vis',
		method: 'POST',
		path: '/self/webhooks',
		body: {
			url,
			events: ['CALL'],
			signingAlgo: 'HMAC_SHA256',
			signingKey,
			metadataPolicy: 'HEADER',
		},
	});
	return { ...hook, signingKey };
}

/** A registration the trigger can verify: signed with HMAC, metadata in headers. */
function isUsable(hook: IDataObject): boolean {
	return (
		hook.signingAlgo === 'HMAC_SHA256' &&
		hook.metadataPolicy === 'HEADER' &&
		Boolean(hook.signingKey)
	);
}

/**
 * The one registration VIS has for this URL, left behind by a crash or lost static data: adopted
 * instead of making a duplicate. Others for the URL are removed.
 */
export async function adoptForUrl(
	context: Context,
	url: string,
	signingKey?: string,
): Promise<IDataObject | undefined> {
	const all: IDataObject[] = await vonageRequest(context, {
		api: 'vis',
		method: 'GET',
		path: '/self/webhooks',
	});
	const forThisUrl = all.filter((candidate) => candidate.url === url);
	const hook =
		forThisUrl.find((candidate) => isUsable(candidate) && candidate.signingKey === signingKey) ??
		forThisUrl.find(isUsable);
	for (const other of forThisUrl)
		if (other !== hook) await deleteWebhook(context, String(other.id));
	if (hook)
		context.logger.info(
			`Vonage VIS Trigger adopted existing webhook ${String(hook.id)} for ${url}`,
		);
	return hook;
}

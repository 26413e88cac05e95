/**
 * The VBC line of the VIS trigger tests, as the sandbox has it: a stand-in receiver, and VIS's
 * webhooks, tokens and calls as a test reaches them over HTTP.
 */
import type { IDataObject } from 'n8n-workflow';

import { http, type AddressInfo } from './node';
import { startStandin, type Standin } from './standin';

/** A receiver that answers every request with `status`, standing in for an n8n that cannot take it. */
export async function answering(
	status: number,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
	let hits = 0;
	const server = http.createServer((req, res) => {
		hits++;
		req.resume().on('end', () => res.writeHead(status).end('{}'));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		hits: () => hits,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export async function registerAt(standin: Standin, url: string): Promise<IDataObject> {
	const response = await fetch(`${standin.url}/t/vbc.prod/vis/v1/self/webhooks`, {
		method: 'POST',
		headers: {
			authorization: `Bearer ${await visToken(standin)}`,
			'content-type': 'application/json',
		},
		body: JSON.stringify({
			url,
			events: ['CALL'],
			signingAlgo: 'HMAC_SHA256',
			signingKey: 'k'.repeat(64),
			metadataPolicy: 'HEADER',
		}),
	});
	return (await response.json()) as IDataObject;
}

export async function visToken(standin: Standin): Promise<string> {
	const { sandbox } = standin;
	const response = await fetch(`${standin.url}/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'password',
			scope: 'openid',
			username: `${sandbox.username}@vbc.prod`,
			password: sandbox.password,
			client_id: sandbox.consumerKey,
			client_secret: sandbox.consumerSecret,
		}),
	});
	return ((await response.json()) as IDataObject).access_token as string;
}

/** A stand-in on VIS's clock `now` that delivers call events, its retries 1,000 times faster. */
export async function startLine(now: () => number): Promise<Standin> {
	return await startStandin({ clock: now, deliverCallEvents: true, deliveryTimeScale: 0.001 });
}

/** Closes the line once every delivery it started has ended. */
export async function closeLine(standin: Standin): Promise<void> {
	await standin.deliveriesSettled();
	await standin.close();
}

/** Calls on the line while n8n cannot take deliveries, `count` of them, `tick` (a second) apart. */
export function callsHappen(
	standin: Standin,
	tick: () => void,
	count: number,
	states = ['RINGING', 'MISSED'],
): Array<IDataObject & { eventId: number }> {
	return Array.from({ length: count }, () => {
		tick();
		return standin.callHappens({ states });
	});
}

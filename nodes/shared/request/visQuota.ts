import { createHash } from 'node:crypto';
import type { INodeProperties } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/**
 * VIS allows a developer application about 10 requests per minute per token (Vonage can raise it
 * per application, hence a credential setting). Requests of one credential in this process are
 * paced over a sliding minute, so a batch waits its turn instead of running into 429s.
 */
export const DEFAULT_VIS_REQUESTS_PER_MINUTE = 10;
const WINDOW_MS = 60_000;

/** The quota as a setting of both VIS credentials. */
export const visRequestsPerMinuteField: INodeProperties = {
	displayName: 'Requests per Minute',
	name: 'requestsPerMinute',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_VIS_REQUESTS_PER_MINUTE,
	description:
		"VIS's request quota for this developer application (10 per minute per token unless Vonage raised it). The nodes pace their VIS requests to stay within it.",
};

export interface QuotaClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** The clock the transport paces with: Date.now() and n8n's sleep. */
export const systemClock: QuotaClock = {
	now: () => Date.now(),
	sleep: async (ms) => await sleep(ms),
};

const sentAt = new Map<string, number[]>();
// Callers of one credential queue behind each other, so concurrent items cannot overtake.
const queues = new Map<string, Promise<void>>();

export function visQuotaKey(parts: unknown[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Raised when the injected sleep keeps returning before the clock reaches the quota's next turn. */
export class VisQuotaWaitError extends Error {}

/**
 * How often a wait may end before the clock shows the turn has come. n8n's sleep is a timer,
 * which can fire a millisecond early but not more often than that; a sleep that returns at once
 * (a stubbed one, or a clock that does not move) would otherwise make the loop below spin.
 */
export const MAX_EARLY_WAKES = 10;

/**
 * Waits until one more request fits in the last minute for this credential, then counts it.
 * Resolves to how long it waited; `onLongWait` is told once per turn, before a wait of 5 s or
 * more. After every wait the clock is read again, so a wait that ended early is measured anew,
 * and the loop is bounded: each wait that lasts frees at least one of the counted requests, and
 * after MAX_EARLY_WAKES waits that did not last it fails with VisQuotaWaitError instead of
 * sending over the quota.
 */
export async function takeVisTurn(
	key: string,
	perMinute: number,
	clock: QuotaClock,
	onLongWait: (ms: number) => void,
): Promise<number> {
	const limit =
		Number.isFinite(perMinute) && perMinute >= 1
			? Math.floor(perMinute)
			: DEFAULT_VIS_REQUESTS_PER_MINUTE;
	const previous = queues.get(key) ?? Promise.resolve();
	let waited = 0;
	const turn = previous.then(async () => {
		const times = sentAt.get(key) ?? [];
		sentAt.set(key, times);
		let earlyWakes = 0;
		let told = false;
		for (;;) {
			const now = clock.now();
			while (times.length && times[0] <= now - WINDOW_MS) times.shift();
			if (times.length < limit) {
				times.push(now);
				return;
			}
			const wait = times[0] + WINDOW_MS - now + 1;
			if (wait >= 5000 && !told) {
				told = true;
				onLongWait(wait);
			}
			await clock.sleep(wait);
			const slept = clock.now() - now;
			waited += Math.max(0, slept);
			if (slept < wait && ++earlyWakes > MAX_EARLY_WAKES) {
				throw new VisQuotaWaitError(
					`the wait for the credential's request quota (${limit} per minute) ended early ${earlyWakes} times; nothing was sent`,
				);
			}
		}
	});
	queues.set(
		key,
		turn.catch(() => undefined),
	);
	await turn;
	return waited;
}

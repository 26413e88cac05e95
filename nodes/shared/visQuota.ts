import { createHash } from 'node:crypto';
import type { INodeProperties } from 'n8n-workflow';

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

const sentAt = new Map<string, number[]>();
// Callers of one credential queue behind each other, so concurrent items cannot overtake.
const queues = new Map<string, Promise<void>>();

export function visQuotaKey(parts: unknown[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export function clearVisQuota(): void {
	sentAt.clear();
	queues.clear();
}

/**
 * Waits until one more request fits in the last minute for this credential, then counts it.
 * Resolves to how long it waited; `onLongWait` is told before a wait of 5 s or more.
 */
export async function takeVisTurn(
	key: string,
	perMinute: number,
	clock: QuotaClock,
	onLongWait: (ms: number) => void,
): Promise<number> {
	const limit = Number.isFinite(perMinute) && perMinute >= 1 ? Math.floor(perMinute) : DEFAULT_VIS_REQUESTS_PER_MINUTE;
	const previous = queues.get(key) ?? Promise.resolve();
	let waited = 0;
	const turn = previous.then(async () => {
		const times = sentAt.get(key) ?? [];
		sentAt.set(key, times);
		for (;;) {
			const now = clock.now();
			while (times.length && times[0] <= now - WINDOW_MS) times.shift();
			if (times.length < limit) {
				times.push(now);
				return;
			}
			const wait = times[0] + WINDOW_MS - now + 1;
			if (wait >= 5000) onLongWait(wait);
			waited += wait;
			await clock.sleep(wait);
		}
	});
	queues.set(key, turn.catch(() => undefined));
	await turn;
	return waited;
}

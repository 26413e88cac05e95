/**
 * Delivery ids already turned into executions. VIS retries a delivery up to 5 times, 10 s
 * apart, when it did not get its 200 in time; a retry of a delivery that already started an
 * execution must not start another.
 */
const REMEMBER_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;
const seenAt = new Map<string, number>();
// Keys in the order they were seen. Evicting from the front of the Map itself would make every
// later scan walk over the deleted slots until V8 compacts it (measured: bench/run.ts).
const order: string[] = [];
let oldest = 0;

function evict(now: number) {
	while (oldest < order.length) {
		const key = order[oldest];
		if (seenAt.size < MAX_REMEMBERED && seenAt.get(key)! > now - REMEMBER_MS) break;
		seenAt.delete(key);
		oldest++;
	}
	if (oldest > 1024 && oldest * 2 > order.length) {
		order.splice(0, oldest);
		oldest = 0;
	}
}

/** Returns true the first time a delivery is seen, false for a redelivery. */
export function firstDelivery(webhookId: string, deliveryId: string, now = Date.now()): boolean {
	const key = `${webhookId}\u0000${deliveryId}`;
	evict(now);
	if (seenAt.has(key)) return false;
	seenAt.set(key, now);
	order.push(key);
	return true;
}

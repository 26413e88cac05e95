/**
 * Delivery ids already turned into executions. VIS retries a delivery up to 5 times, 10 s
 * apart, when it did not get its 200 in time; a retry of a delivery that already started an
 * execution must not start another.
 */
const REMEMBER_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;
const seen = new Map<string, number>();

/** Returns true the first time a delivery is seen, false for a redelivery. */
export function firstDelivery(webhookId: string, deliveryId: string, now = Date.now()): boolean {
	const key = `${webhookId}\u0000${deliveryId}`;
	for (const [oldKey, at] of seen) {
		if (at > now - REMEMBER_MS && seen.size < MAX_REMEMBERED) break;
		seen.delete(oldKey);
	}
	if (seen.has(key)) return false;
	seen.set(key, now);
	return true;
}

/**
 * Remembers what a trigger has already accepted, so that a captured request sent again (or a
 * sender's own retry of one that already ran) does not start a second execution.
 *
 * One window per trigger registration: a busy trigger evicts only its own oldest entries, never
 * another's. This lives in the process's memory, which n8n's queue mode splits between webhook
 * processors (README, "Running in queue mode").
 */
export class ReplayWindow {
	private readonly seenUntil = new Map<string, number>();
	// Keys in the order they were remembered, read from `head`. Deleting from the front of the Map
	// itself would leave holes that every later scan of it walks over until V8 compacts it.
	private order: Array<{ key: string; until: number }> = [];
	private head = 0;

	constructor(
		private readonly rememberMs: number,
		private readonly maxEntries: number,
	) {}

	get size(): number {
		return this.seenUntil.size;
	}

	/**
	 * Returns true the first time a key is seen (and remembers it until `until`, or for the
	 * window), false while it is still remembered.
	 */
	firstTime(key: string, now: number, until = now + this.rememberMs): boolean {
		const expiresAt = this.seenUntil.get(key);
		if (expiresAt !== undefined && expiresAt > now) return false;
		this.evict(now);
		this.seenUntil.set(key, until);
		this.order.push({ key, until });
		return true;
	}

	/** Forgets a key whose work did not happen after all, so that it can be tried again. */
	forget(key: string): void {
		this.seenUntil.delete(key);
	}

	private evict(now: number) {
		while (this.head < this.order.length) {
			const { key, until } = this.order[this.head];
			const current = this.seenUntil.get(key);
			// An entry remembered again later has its own, newer place in the queue.
			if (current === until) {
				if (this.seenUntil.size < this.maxEntries && until > now) break;
				this.seenUntil.delete(key);
			}
			this.head++;
		}
		if (this.head > 1024 && this.head * 2 > this.order.length) {
			this.order = this.order.slice(this.head);
			this.head = 0;
		}
	}
}

/** One window per key (a trigger's registration), created on first use. */
export class ReplayWindows {
	private readonly windows = new Map<string, ReplayWindow>();

	constructor(
		private readonly rememberMs: number,
		private readonly maxEntriesPerWindow: number,
	) {}

	for(owner: string): ReplayWindow {
		let window = this.windows.get(owner);
		if (!window) {
			window = new ReplayWindow(this.rememberMs, this.maxEntriesPerWindow);
			this.windows.set(owner, window);
		}
		return window;
	}
}

import {
	MAX_EARLY_WAKES,
	takeVisTurn,
	VisQuotaWaitError,
	type QuotaClock,
} from '../nodes/shared/request/visQuota';

/**
 * The pacer waits through whatever sleep it is given. These clocks misbehave on purpose: a sleep
 * that returns at once (as `npm run bench` once stubbed it) must not make the pacer spin.
 */
const SPIN_GUARD = 10_000;

/** A clock whose sleep returns at once; `advance` is how far each sleep moves time. */
function clockWithSleep(advance: (ms: number) => number, start = 1_000_000) {
	let now = start;
	const sleeps: number[] = [];
	const clock: QuotaClock = {
		now: () => now,
		sleep: async (ms) => {
			sleeps.push(ms);
			// Fails the test (instead of hanging it) when the pacer keeps sleeping.
			if (sleeps.length > SPIN_GUARD)
				throw new Error(`the pacer slept ${sleeps.length} times for one turn`);
			now += advance(ms);
		},
	};
	return { clock, sleeps, now: () => now };
}

// The pacer keeps what each credential sent for the life of the process: every test paces a
// credential (key) of its own.
let key: string;
let tests = 0;
beforeEach(() => {
	key = `credential-${++tests}`;
});

describe('VIS quota pacer', () => {
	test('a sleep that returns at once and a clock that does not move: bounded, then VisQuotaWaitError', async () => {
		const { clock, sleeps } = clockWithSleep(() => 0);
		const told: number[] = [];
		for (let i = 0; i < 2; i++) await takeVisTurn(key, 2, clock, (ms) => told.push(ms));
		await expect(takeVisTurn(key, 2, clock, (ms) => told.push(ms))).rejects.toBeInstanceOf(
			VisQuotaWaitError,
		);
		expect(sleeps.length).toBe(MAX_EARLY_WAKES + 1);
		// Told once for the turn, not once per wake.
		expect(told).toEqual([60_001]);
	});

	test('a sleep that returns at once against a real clock: bounded, within a moment', async () => {
		let sleeps = 0;
		const clock: QuotaClock = {
			now: () => Date.now(),
			sleep: async () => {
				if (++sleeps > SPIN_GUARD) throw new Error('spun');
			},
		};
		const started = Date.now();
		await takeVisTurn(key, 1, clock, () => undefined);
		await expect(takeVisTurn(key, 1, clock, () => undefined)).rejects.toBeInstanceOf(
			VisQuotaWaitError,
		);
		expect(sleeps).toBe(MAX_EARLY_WAKES + 1);
		expect(Date.now() - started).toBeLessThan(1000);
	});

	test('a wait that ends early is measured again and the rest is waited for', async () => {
		// Each sleep ends a second before it should: the turn still comes after the full minute.
		const { clock, sleeps, now } = clockWithSleep((ms) => (ms > 1000 ? ms - 1000 : ms));
		const start = now();
		await takeVisTurn(key, 1, clock, () => undefined);
		const waited = await takeVisTurn(key, 1, clock, () => undefined);
		expect(now() - start).toBeGreaterThan(60_000);
		expect(waited).toBe(now() - start);
		// The second sleep asks only for what was still left.
		expect(sleeps).toEqual([60_001, 1000]);
	});

	test('a sleep that lasts: one wait per turn, the quota kept over the sliding minute', async () => {
		const { clock, sleeps, now } = clockWithSleep((ms) => ms);
		const sentAt: number[] = [];
		for (let i = 0; i < 25; i++) {
			await takeVisTurn(key, 10, clock, () => undefined);
			sentAt.push(now());
		}
		for (let i = 10; i < sentAt.length; i++)
			expect(sentAt[i] - sentAt[i - 10]).toBeGreaterThan(60_000);
		// Ten go at once, the next ten a minute later, the last five a minute after that.
		expect(sleeps).toEqual([60_001, 60_001]);
	});

	test('a quota lowered below what was already sent waits for each counted request to leave the minute', async () => {
		const { clock, sleeps } = clockWithSleep((ms) => ms);
		for (let i = 0; i < 5; i++) await takeVisTurn(key, 10, clock, () => undefined);
		await takeVisTurn(key, 1, clock, () => undefined);
		// All five sent at the same moment leave together: one lasting wait, no early-wake failure.
		expect(sleeps).toEqual([60_001]);
	});
});

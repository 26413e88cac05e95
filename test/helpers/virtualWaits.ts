/**
 * Jest setup (setupFilesAfterEnv): the request path's waits (retries, VIS pacing) take no real
 * time. n8n's sleep() without a stop signal moves a virtual clock forward and Date.now() reads
 * it; a trigger's wait between checks carries a signal and stays real, for its tests to drive.
 * Nothing here may load n8n-workflow, or a test file's own jest.mock of it would be ignored.
 */
let skipped = 0;
/** Every virtual wait, in ms, since the last stand-in started. */
export const slept: number[] = [];
export const virtualNow = () => realNow() + skipped;
const realNow = Date.now.bind(Date);

export async function virtualSleep(ms: number): Promise<void> {
	slept.push(ms);
	skipped += ms;
}

jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual<typeof import('n8n-workflow')>('n8n-workflow');
	return {
		...actual,
		sleep: async (ms: number, signal?: AbortSignal) =>
			signal ? await actual.sleep(ms, signal) : await virtualSleep(ms),
	};
});

beforeEach(() => {
	jest.spyOn(Date, 'now').mockImplementation(virtualNow);
});

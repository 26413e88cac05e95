import type { IDataObject } from 'n8n-workflow';

import { STEP, STEP_PATTERN } from '../ncco/actions/input';

/**
 * The trigger's own webhook for turns, in n8n's lastNode mode; the event URL stays in onReceived
 * mode so that call events are answered at once.
 */
export const TURN_PATH = 'voice-turns';

/**
 * Statuses of a synchronous connect's leg after which Vonage runs an NCCO from the answer, e.g.
 * to offer voicemail when nobody picks up. Its other statuses are plain call events.
 */
const CONNECT_FAILED = ['busy', 'cancelled', 'failed', 'rejected', 'timeout', 'unanswered'];

/**
 * The kind of turn a request to the turn URL is, by the mark the trigger put in that URL: an input
 * result (DTMF or speech, also when it timed out or heard nothing), a notify, or a synchronous
 * connect that failed. Undefined for a synchronous connect's other statuses, which are call events.
 */
export function turnKind(
	event: IDataObject,
	query: IDataObject,
): 'input' | 'notify' | 'connect' | undefined {
	const marked = query.turn;
	if (marked === 'notify') return 'notify';
	if (marked === 'connect')
		return CONNECT_FAILED.includes(String(event.status)) ? 'connect' : undefined;
	if (marked === 'input' || isObject(event.dtmf) || isObject(event.speech)) return 'input';
	return undefined;
}

function isObject(value: unknown): boolean {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Vonage's socket timeouts (ms) when the application sets none: answer_url 5 s, event_url 10 s. */
const DEFAULT_SOCKET_TIMEOUT_MS = { answer_url: 5000, event_url: 10_000 };

/**
 * When to stop waiting for the workflow: a second before Vonage would give up, so that the
 * fallback reaches Vonage in time and Vonage does not ask again (which would run the workflow again).
 */
export function answerDeadlineMs(socketTimeoutMs: unknown, kind: 'answer_url' | 'event_url') {
	const timeout = Number(socketTimeoutMs);
	const limit = Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_SOCKET_TIMEOUT_MS[kind];
	return Math.max(limit - 1000, 500);
}

/** The turn's item: the event as Vonage sent it, with the input's Step Name when it had one. */
export function withStep(event: IDataObject, query: unknown): IDataObject {
	const step = (query as IDataObject | undefined)?.[STEP];
	return typeof step === 'string' && STEP_PATTERN.test(step) ? { ...event, [STEP]: step } : event;
}

import type { IDataObject } from 'n8n-workflow';

import { STEP, STEP_PATTERN } from '../ncco/actions/input';
import { parseNcco } from '../ncco/parse';

/** The part of n8n's (Express) response that n8n uses to send a webhook's answer. */
export interface NccoResponse {
	headersSent: boolean;
	status(code: number): unknown;
	json(body: unknown): unknown;
	send(body: unknown): unknown;
	setHeader(name: string, value: unknown): unknown;
	on(event: 'close', listener: () => void): unknown;
}

export interface NccoAnswerOptions {
	/** Served when the workflow fails, gives no NCCO, or has not answered by the deadline. */
	fallback: IDataObject[];
	/** Milliseconds after which Vonage would give up on this request. */
	deadlineMs: number;
	/** This trigger's turn URL, for the results of input, notify and synchronous connect actions. */
	turnUrl: string;
	/** Told why the fallback was served instead of the workflow's NCCO. */
	onFallback: (reason: string) => void;
}

type Kind = 'input' | 'notify' | 'connect';

/** The URL a served action's results come back to, marked with its kind (and an input's step). */
function turnUrlFor(turnUrl: string, kind: Kind, step?: string): string {
	const url = new URL(turnUrl);
	url.searchParams.set('turn', kind);
	if (step) url.searchParams.set(STEP, step);
	return url.href;
}

/**
 * Input, notify and synchronous connect actions left without an Event URL send their results to
 * this trigger, so that a user never pastes a webhook URL into an NCCO. An input's Step Name
 * (NCCO → Build) travels in that URL, not to Vonage as a field.
 */
export function withTurnUrls(ncco: IDataObject[], turnUrl: string): IDataObject[] {
	return ncco.map(({ [STEP]: step, ...action }) => {
		const kind = action.action as string;
		const routed =
			kind === 'input' ||
			kind === 'notify' ||
			(kind === 'connect' && action.eventType === 'synchronous');
		const missing = !Array.isArray(action.eventUrl) || action.eventUrl.length === 0;
		if (kind !== 'input' && step !== undefined) action[STEP] = step;
		if (!routed || !missing) return action;
		const named = kind === 'input' && STEP_PATTERN.test(String(step ?? '')) ? String(step) : '';
		return { ...action, eventUrl: [turnUrlFor(turnUrl, kind as Kind, named)] };
	});
}

/**
 * Makes n8n's answer to this request an NCCO Vonage can run, whatever happens to the workflow:
 * n8n sends the last node's output (lastNode mode); an error (n8n's 500), no NCCO, or no answer
 * before Vonage's socket timeout is replaced by the fallback, so the caller is never left in
 * silence and Vonage has no reason to retry (a retry would run the workflow again).
 */
export function answerWithNcco(res: NccoResponse, options: NccoAnswerOptions): void {
	const original = {
		status: res.status,
		json: res.json,
		send: res.send,
		setHeader: res.setHeader,
	};
	let code = 200;
	let answered = false;

	const finish = (ncco: IDataObject[]) => {
		if (answered || res.headersSent) return;
		answered = true;
		Object.assign(res, original);
		res.status(200);
		res.json(withTurnUrls(ncco, options.turnUrl));
		// n8n answers once more when the workflow ends after a deadline; that answer goes nowhere.
		const ignore = () => res;
		Object.assign(res, { status: ignore, json: ignore, send: ignore, setHeader: ignore });
	};
	const fallBack = (reason: string) => {
		if (answered) return;
		options.onFallback(reason);
		finish(options.fallback);
	};
	const answer = (body: unknown) => {
		if (code < 200 || code > 299) return fallBack(`the workflow failed (n8n answered ${code})`);
		const ncco = parseNcco(body);
		if (typeof ncco === 'string')
			return fallBack(`the workflow's last node did not give an NCCO: ${ncco}`);
		finish(ncco);
	};

	// AbortSignal's timer does not keep n8n alive; once answered, it finds nothing to do.
	AbortSignal.timeout(options.deadlineMs).addEventListener('abort', () =>
		fallBack(`the workflow did not answer within ${options.deadlineMs} ms`),
	);
	res.on('close', () => {
		answered = true;
	});
	Object.assign(res, {
		status: (value: number) => {
			code = value;
			return res;
		},
		json: (body: unknown) => {
			answer(body);
			return res;
		},
		send: (body: unknown) => {
			answer(Buffer.isBuffer(body) ? body.toString('utf8') : body);
			return res;
		},
	});
}

/**
 * Answers now with `body` and drops n8n's own answer after the run: for a call event that reached
 * the turn URL (a synchronous connect's leg that did not fail), whose run must not hold Vonage.
 */
export function answerAtOnce(res: NccoResponse, body: IDataObject): void {
	res.status(200);
	res.json(body);
	const ignore = () => res;
	Object.assign(res, { status: ignore, json: ignore, send: ignore, setHeader: ignore });
}

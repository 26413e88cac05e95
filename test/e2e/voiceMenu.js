'use strict';
/**
 * examples/voice-menu.json called by the sandbox's scripted caller, shared by the regular and the
 * queue-mode suite: the sandbox runs each NCCO as Vonage does, posts every input result (signed)
 * to the URL the NCCO names, and runs the NCCO that comes back. The test reads what the caller
 * heard and did.
 */
const assert = require('node:assert/strict');

const WELCOME =
	'heard: Welcome to Example Corp. Press 1 for sales or 2 for support, or say billing.';

/** The calls, each with its caller's script and the transcript lines it must give. */
const CALLS = [
	{
		caller: [{ press: '1' }, { press: '2' }],
		lines: [
			WELCOME,
			'pressed 1',
			'heard: Sales. Press 1 for new orders or 2 for existing orders.',
			'pressed 2',
			'heard: Existing orders. Connecting you.',
			'connected to 14155550126',
		],
		runs: 3,
	},
	{
		caller: [{ say: 'billing please' }],
		lines: [
			WELCOME,
			'said: billing please',
			'heard: Billing. Connecting you now.',
			'connected to 14155550124',
		],
		runs: 2,
	},
	{
		caller: [{ press: '7' }, { press: '2' }],
		lines: [
			WELCOME,
			'pressed 7',
			'heard: Sorry, I did not get that. Press 1 for sales or 2 for support, or say billing.',
			'pressed 2',
			'heard: Connecting you to support.',
			'connected to 14155550123',
		],
		runs: 3,
	},
];

/** The lines of what the caller heard and did, without the ending's own line. */
const conversation = (lines) => lines.filter((line) => !line.startsWith('call ended'));

/**
 * Three calls with their scripts, one after the other; every turn is answered by the workflow
 * (not by a fallback), and every execution succeeds. `finished(count)` waits for the menu
 * workflow's executions.
 */
async function voiceMenuConversation({ standin, applicationId, finished }) {
	const tookMs = [];
	for (const call of CALLS) {
		const started = Date.now();
		const answered = await standin.answerCall(
			applicationId,
			{ from: '14155550111' },
			{ caller: call.caller, wait: true },
		);
		tookMs.push(Date.now() - started);
		assert.equal(answered.answeredBy, 'answer_url', JSON.stringify(answered));
		assert.deepEqual(conversation(answered.lines), call.lines, JSON.stringify(answered.webhooks));
		const turns = answered.webhooks.filter((hook) => hook.kind === 'input');
		assert.deepEqual(
			turns.map((hook) => [hook.target, hook.status, hook.answer]),
			Array(call.runs - 1).fill(['eventUrl', 200, 'NCCO']),
			'each turn answered by the workflow at the first attempt',
		);
	}
	const runs = await finished(CALLS.reduce((sum, call) => sum + call.runs, 0));
	assert.ok(
		runs.every((row) => row.status === 'success'),
		'every menu execution succeeded',
	);
	console.log(
		`    3 calls, 5 turns: caller transcripts as scripted; each call took ${tookMs.join(', ')} ms`,
	);
}

module.exports = { voiceMenuConversation };

'use strict';
/**
 * examples/voice-menu.json, turn by turn as Vonage drives it, shared by the regular and the
 * queue-mode suite: the answer's NCCO, then each input result posted, signed, to the URL the
 * served NCCO names, answered by the workflow's next NCCO.
 */
const assert = require('node:assert/strict');

const inputUrl = (ncco) => ncco.find((action) => action.action === 'input')?.eventUrl?.[0];
const said = (ncco) => ncco.filter((action) => action.action === 'talk').map((a) => a.text);
const connectedTo = (ncco) =>
	ncco.find((action) => action.action === 'connect')?.endpoint[0].number;
const press = (digits) => ({ dtmf: { digits, timed_out: false }, speech: {} });
const say = (text) => ({
	speech: { results: [{ text, confidence: '0.91' }], timeout_reason: 'end_on_silence_timeout' },
	dtmf: { digits: '', timed_out: false },
});

/**
 * One call answered and four turns: 1 then 2 (existing orders), "Billing please", 7 (asked
 * again). `webhookBase` is where the trigger's webhooks are published; `finished(count)` waits
 * for the menu workflow's executions.
 */
async function voiceMenuConversation({ standin, applicationId, webhookBase, finished }) {
	const hooks = () => standin.state.applications.get(applicationId).capabilities.voice.webhooks;
	/** One input result, sent where the NCCO said, signed as Vonage signs; the NCCO it got back. */
	async function turn(ncco, result, uuid) {
		const url = inputUrl(ncco);
		assert.ok(url?.startsWith(`${webhookBase}voice-events?turn=input`), JSON.stringify(ncco));
		const plain = hooks().event_url.address;
		hooks().event_url.address = url;
		try {
			const event = { uuid, conversation_uuid: `CON-${uuid}`, timestamp: new Date().toISOString() };
			const answer = await standin.deliverVoiceEvent(applicationId, { ...event, ...result });
			assert.equal(answer.status, 200, answer.body);
			return JSON.parse(answer.body);
		} finally {
			hooks().event_url.address = plain;
		}
	}

	const started = Date.now();
	const first = await standin.answerCall(applicationId, { from: '14155550111' });
	assert.equal(first.answeredBy, 'answer_url', JSON.stringify(first));
	assert.match(said(first.ncco)[0], /^Welcome to Example Corp/);
	assert.ok(inputUrl(first.ncco).endsWith('turn=input&step=main'));

	const sales = await turn(first.ncco, press('1'), 'menu-call-1');
	assert.deepEqual(said(sales), ['Sales. Press 1 for new orders or 2 for existing orders.']);
	assert.ok(inputUrl(sales).endsWith('step=sales'));
	const existing = await turn(sales, press('2'), 'menu-call-1');
	assert.equal(connectedTo(existing), '14155550126');

	const billing = await turn(first.ncco, say('Billing please'), 'menu-call-2');
	assert.equal(connectedTo(billing), '14155550124');
	const again = await turn(first.ncco, press('7'), 'menu-call-3');
	assert.match(said(again)[0], /^Sorry, I did not get that/);
	const tookMs = Date.now() - started;
	// 1 answer and 4 turns, each one execution of the menu workflow.
	const runs = await finished(5);
	assert.ok(
		runs.every((row) => row.status === 'success'),
		'every menu execution succeeded',
	);
	console.log(`    a call answered and 4 turns in ${tookMs} ms, 5 executions`);
}

module.exports = { voiceMenuConversation };

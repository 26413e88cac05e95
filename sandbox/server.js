'use strict';
/**
 * A stateful local stand-in for the three Vonage hosts the package talks to:
 *   - api.vonage.com: /authorize (sign-in page, code grant), POST /token and the 20 VIS endpoints under /t/vbc.prod/vis/v1
 *   - api.nexmo.com:  Applications v2 (Basic auth), Users v1 and Voice v2 (RS256 application JWT)
 * It checks auth and request shapes the way the real APIs answer them, keeps state in memory,
 * records every request, can be told to fail the next N requests, can deliver signed VIS
 * webhook events, and plays Voice's side of an application's webhooks (signed call events,
 * answer_url with fallback_answer_url). Given a caller script, it runs a call's NCCO action by action
 * as the person on the line (caller.js). At /openai/v1 it is an OpenAI-compatible stand-in
 * (openai.js) for n8n's AI nodes. Test code drives it directly; other processes use the /_standin API.
 */
const crypto = require('node:crypto');

const { canonicalJson, createDeliveries, visSignature } = require('./deliveries');
const { createApplications } = require('./applications');
const { createAuth } = require('./auth');
const { createCaller, scriptProblem } = require('./caller');
const { createControl } = require('./control');
const { HttpError } = require('./errors');
const { createHttpServer } = require('./http');
const { createState } = require('./state');
const { createUsers } = require('./users');
const { createVis, VIS_PATH } = require('./vis');
const { createVoice } = require('./voice');
const { createFiles } = require('./files');
const { createOpenAi } = require('./openai');

function createStandin(options = {}) {
	const ctx = createState(options);
	const { state, sandbox } = ctx;
	const auth = createAuth(ctx);
	const { applications, findApp, appView } = createApplications(ctx);
	const { vis, makeCall, callHappens, seedEvents, findWebhook } = createVis(ctx);
	const { users } = createUsers(ctx);
	const {
		deliverEvent,
		publishCallEvent,
		deliveriesSettled,
		sampleEvent,
		deliverVoiceEvent,
		sampleVoiceEvent,
		answerCall,
		signedCallbackHeader,
	} = createDeliveries(ctx, { findWebhook, findApp });
	// As VIS does: every call event goes to the user's registered webhooks (off unless asked, so
	// tests that deliver by hand see only their own deliveries).
	const deliverCallEvents = (on) =>
		(ctx.onCallEvent = on ? (event) => void publishCallEvent(event) : undefined);
	deliverCallEvents(Boolean(options.deliverCallEvents));
	const { addFile, serveFile, recordNcco } = createFiles(ctx, { findApp, signedCallbackHeader });
	const caller = createCaller(ctx, { findApp, signedCallbackHeader, recordNcco });
	const { voice, voiceV1, callView, callHappensV1 } = createVoice(ctx, {
		findApp,
		signedCallbackHeader,
		recordNcco,
		takeOutboundCall: caller.takeOutboundCall,
	});
	const { openai } = createOpenAi(ctx);
	/**
	 * An inbound call. Without a caller script, its NCCO's record actions leave recordings and send
	 * their events. With one (opts.caller, even []), the NCCO runs action by action with that
	 * caller (caller.js); opts.wait waits for the call to end and adds its transcript.
	 */
	const answerAndRecord = async (applicationId, call = {}, opts = {}) => {
		if (opts.caller === undefined) {
			const answered = await answerCall(applicationId, call);
			if (answered.ncco)
				answered.recordings = recordNcco(applicationId, answered.ncco, {
					conversation_uuid: answered.conversation_uuid,
				});
			return answered;
		}
		const problem = scriptProblem(opts.caller);
		if (problem) throw new HttpError(400, { error: problem });
		const params = {
			from: '14155550100',
			to: '14155550105',
			uuid: crypto.randomUUID(),
			conversation_uuid: `CON-${crypto.randomUUID()}`,
			...call,
		};
		const answered = await answerCall(applicationId, params);
		const ran = caller.runInbound(applicationId, params, answered, opts.caller);
		const ids = { uuid: ran.uuid, transcriptUrl: `/_standin/calls/${ran.uuid}/transcript` };
		if (!opts.wait) return { ...answered, ...ids };
		await caller.waitFor(ran, opts.timeoutMs);
		const view = caller.view(ran);
		return {
			...answered,
			...ids,
			callStatus: view.status,
			ended: view.ended,
			lines: view.lines,
			transcript: view.transcript,
			webhooks: view.webhooks,
			recordings: view.recordings,
		};
	};
	const { control, failNext } = createControl(ctx, {
		appView,
		callView,
		makeCall,
		callHappens,
		seedEvents,
		findWebhook,
		deliverEvent,
		sampleEvent,
		deliverVoiceEvent,
		sampleVoiceEvent,
		answerCall: answerAndRecord,
		moreControl: [caller.control],
		moreState: () => ({ callerCalls: caller.callerCalls(), openai: state.openai }),
		callHappensV1,
	});
	const server = createHttpServer(ctx, {
		auth,
		vis,
		applications,
		users,
		voice,
		voiceV1,
		control,
		serveFile,
		openai,
	});

	return {
		state,
		sandbox,
		failNext,
		seedEvents,
		makeCall,
		callHappens,
		deliverEvent,
		publishCallEvent,
		deliveriesSettled,
		deliverCallEvents,
		sampleEvent,
		deliverVoiceEvent,
		sampleVoiceEvent,
		answerCall: answerAndRecord,
		/** A call run with a caller script: its transcript, webhook attempts and recordings. */
		transcriptOf: caller.transcriptOf,
		/** Resolves when a call run with a caller script has ended (at most timeoutMs). */
		callEnded: (uuid, timeoutMs) => caller.waitFor(state.callerCalls.get(uuid), timeoutMs),
		callHappensV1,
		addFile,
		canonicalJson,
		url: undefined,
		/** Requests made to the Vonage routes (not the control API), optionally filtered. */
		requests(filter = {}) {
			return state.requests.filter(
				(r) =>
					(!filter.method || r.method === filter.method) &&
					(!filter.path ||
						r.path === filter.path ||
						(filter.path instanceof RegExp && filter.path.test(r.path))),
			);
		},
		async listen(port = 0, host = '127.0.0.1') {
			await new Promise((resolve) => server.listen(port, host, resolve));
			this.url = `http://${host}:${server.address().port}`;
			// recording_url and transcription_url name the stand-in itself, as Vonage's name Vonage.
			ctx.publicUrl = this.url;
			return this.url;
		},
		close() {
			server.closeAllConnections?.();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

module.exports = { createStandin, canonicalJson, visSignature, VIS_PATH };

'use strict';
/**
 * A stateful local stand-in for the three Vonage hosts the package talks to:
 *   - api.vonage.com: /authorize (sign-in page, code grant), POST /token and the 20 VIS endpoints under /t/vbc.prod/vis/v1
 *   - api.nexmo.com:  Applications v2 (Basic auth), Users v1 and Voice v2 (RS256 application JWT)
 * It checks auth and request shapes the way the real APIs answer them, keeps state in memory,
 * records every request, can be told to fail the next N requests, can deliver signed VIS
 * webhook events, and plays Voice's side of an application's webhooks (signed call events,
 * answer_url with fallback_answer_url). Test code drives it directly; other processes use the /_standin API.
 */
const { canonicalJson, createDeliveries, visSignature } = require('./deliveries');
const { createApplications } = require('./applications');
const { createAuth } = require('./auth');
const { createControl } = require('./control');
const { createHttpServer } = require('./http');
const { createState } = require('./state');
const { createUsers } = require('./users');
const { createVis, VIS_PATH } = require('./vis');
const { createVoice } = require('./voice');
const { createFiles } = require('./files');

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
	const { voice, voiceV1, callView } = createVoice(ctx, {
		findApp,
		signedCallbackHeader,
		recordNcco,
	});
	// An answered call runs its NCCO: its record actions leave recordings and send their events.
	const answerAndRecord = async (applicationId, call) => {
		const answered = await answerCall(applicationId, call);
		if (answered.ncco)
			answered.recordings = recordNcco(applicationId, answered.ncco, {
				conversation_uuid: answered.conversation_uuid,
			});
		return answered;
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

'use strict';
/**
 * A local OpenAI-compatible stand-in, at /openai/v1 of the sandbox, so that n8n's AI Agent with the
 * "OpenAI Chat Model" sub-node runs without an OpenAI account: point an OpenAI credential's Base
 * URL at http://127.0.0.1:5680/openai/v1 (no trailing slash: the node splits the URL at its last
 * "/"), with any API key. It answers what that node sends (n8n 2.41, @langchain/openai 1.4):
 *   GET  /models              the credential test and the Model list
 *   GET  /models/{id}
 *   POST /chat/completions    with or without stream: true (SSE chunks, then `data: [DONE]`)
 *   POST /responses           the Responses API, which the node's version 1.3 uses by default
 *                             ("Use Responses API"), with or without stream: true
 * Tool definitions (sent when the agent has tools) are accepted and never called.
 *
 * The reply is deterministic and shows the memory the request carries: with N the number of
 * user messages in the request and T the text of the last one,
 *   "You said: T. This is turn N."
 * and when T contains "bye" (any case), the same followed by " Goodbye. [END]", so that a
 * workflow can end the call with an If node on the marker "[END]". Any Bearer key is accepted;
 * no key is a 401 as OpenAI answers it. Each request is kept in the sandbox state (openai).
 */
const crypto = require('node:crypto');

const { HttpError } = require('./errors');

const END_MARKER = '[END]';
const MODELS = ['gpt-5-mini', 'gpt-4o-mini', 'sandbox-echo'];
const CREATED = 1_700_000_000;

/** The reply to a conversation whose user messages are these texts. */
function replyTo(userTexts) {
	const last = userTexts.length ? userTexts[userTexts.length - 1].trim() : '';
	const reply = `You said: ${last}. This is turn ${userTexts.length}.`;
	return /bye/i.test(last) ? `${reply} Goodbye. ${END_MARKER}` : reply;
}

/** The text of a message's content: a string, or parts with text (text, input_text). */
function textOf(content) {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	return content
		.map((part) =>
			typeof part === 'string' ? part : typeof part?.text === 'string' ? part.text : '',
		)
		.join('');
}

/** The user messages of a Chat Completions request. */
const chatUserTexts = (body) =>
	(Array.isArray(body.messages) ? body.messages : [])
		.filter((m) => m?.role === 'user')
		.map((m) => textOf(m.content));

/** The user messages of a Responses request: input is a string or a list of items. */
function responsesUserTexts(body) {
	if (typeof body.input === 'string') return [body.input];
	return (Array.isArray(body.input) ? body.input : [])
		.filter((item) => item?.role === 'user' && (item.type === undefined || item.type === 'message'))
		.map((item) => textOf(item.content));
}

const openAiError = (status, message, type = 'invalid_request_error', code = null) =>
	new HttpError(status, { error: { message, type, param: null, code } });

/** Deterministic token counts: words, as a stand-in for tokens. */
const words = (text) => (String(text).match(/\S+/g) ?? []).length;

/** The reply cut into stream deltas: one word (with its space) each. */
const deltasOf = (text) => text.match(/\S+\s*/g) ?? [''];

const sse = (events) =>
	events
		.map(
			({ event, data }) =>
				`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
		)
		.join('');
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

function createOpenAi({ clock, state }) {
	state.openai = state.openai ?? [];
	const created = () => Math.floor(clock() / 1000);
	const model = (id) => ({ id, object: 'model', created: CREATED, owned_by: 'vonage-sandbox' });

	function chatCompletion(body) {
		const userTexts = chatUserTexts(body);
		const content = replyTo(userTexts);
		const id = `chatcmpl-${crypto.randomUUID()}`;
		const usage = {
			prompt_tokens: words(userTexts.join(' ')),
			completion_tokens: words(content),
		};
		usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
		const record = {
			api: 'chat.completions',
			model: body.model,
			stream: body.stream === true,
			userMessages: userTexts.length,
			reply: content,
		};
		state.openai.push(record);
		if (body.stream !== true)
			return [
				200,
				{
					id,
					object: 'chat.completion',
					created: created(),
					model: body.model,
					choices: [
						{
							index: 0,
							message: { role: 'assistant', content, refusal: null },
							logprobs: null,
							finish_reason: 'stop',
						},
					],
					usage,
				},
			];
		const chunk = (delta, finish = null) => ({
			id,
			object: 'chat.completion.chunk',
			created: created(),
			model: body.model,
			choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
		});
		const events = [
			{ data: chunk({ role: 'assistant', content: '' }) },
			...deltasOf(content).map((text) => ({ data: chunk({ content: text }) })),
			{ data: chunk({}, 'stop') },
		];
		if (body.stream_options?.include_usage)
			events.push({ data: { ...chunk({}), choices: [], usage } });
		events.push({ data: '[DONE]' });
		return [200, sse(events), SSE_HEADERS];
	}

	function response(body) {
		const userTexts = responsesUserTexts(body);
		const text = replyTo(userTexts);
		const id = `resp_${crypto.randomUUID().replaceAll('-', '')}`;
		const messageId = `msg_${crypto.randomUUID().replaceAll('-', '')}`;
		const usage = {
			input_tokens: words(userTexts.join(' ')),
			input_tokens_details: { cached_tokens: 0 },
			output_tokens: words(text),
			output_tokens_details: { reasoning_tokens: 0 },
		};
		usage.total_tokens = usage.input_tokens + usage.output_tokens;
		const part = { type: 'output_text', text, annotations: [], logprobs: [] };
		const message = {
			id: messageId,
			type: 'message',
			status: 'completed',
			role: 'assistant',
			content: [part],
		};
		const base = {
			id,
			object: 'response',
			created_at: created(),
			model: body.model,
			error: null,
			incomplete_details: null,
			instructions: body.instructions ?? null,
			metadata: {},
			parallel_tool_calls: true,
			temperature: body.temperature ?? 1,
			top_p: body.top_p ?? 1,
			tool_choice: body.tool_choice ?? 'auto',
			tools: Array.isArray(body.tools) ? body.tools : [],
			text: body.text ?? { format: { type: 'text' } },
		};
		const done = { ...base, status: 'completed', output: [message], output_text: text, usage };
		state.openai.push({
			api: 'responses',
			model: body.model,
			stream: body.stream === true,
			userMessages: userTexts.length,
			reply: text,
		});
		if (body.stream !== true) return [200, done];
		let sequence = 0;
		const event = (type, data) => ({
			event: type,
			data: { type, sequence_number: sequence++, ...data },
		});
		const at = { output_index: 0, item_id: messageId, content_index: 0 };
		const events = [
			event('response.created', {
				response: { ...base, status: 'in_progress', output: [], usage: null },
			}),
			event('response.in_progress', {
				response: { ...base, status: 'in_progress', output: [], usage: null },
			}),
			event('response.output_item.added', {
				output_index: 0,
				item: { ...message, status: 'in_progress', content: [] },
			}),
			event('response.content_part.added', { ...at, part: { ...part, text: '' } }),
			...deltasOf(text).map((delta) =>
				event('response.output_text.delta', { ...at, delta, logprobs: [] }),
			),
			event('response.output_text.done', { ...at, text, logprobs: [] }),
			event('response.content_part.done', { ...at, part }),
			event('response.output_item.done', { output_index: 0, item: message }),
			event('response.completed', { response: done }),
		];
		return [200, sse(events), SSE_HEADERS];
	}

	/** A request under /openai/v1: path is what follows /openai. */
	function openai(method, path, body, headers) {
		const key = /^Bearer\s+(\S+)/i.exec(String(headers.authorization ?? ''))?.[1];
		if (!key)
			throw openAiError(
				401,
				"You didn't provide an API key. The sandbox accepts any key: Authorization: Bearer <anything>.",
				'invalid_request_error',
				'missing_api_key',
			);
		if (method === 'GET' && path === '/v1/models')
			return [200, { object: 'list', data: MODELS.map(model) }];
		let m;
		if (method === 'GET' && (m = /^\/v1\/models\/([^/]+)$/.exec(path))) {
			const id = decodeURIComponent(m[1]);
			if (!MODELS.includes(id))
				throw openAiError(
					404,
					`The model '${id}' does not exist`,
					'invalid_request_error',
					'model_not_found',
				);
			return [200, model(id)];
		}
		if (method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/responses')) {
			if (!body || typeof body !== 'object') throw openAiError(400, 'A JSON body is required.');
			if (typeof body.model !== 'string' || !body.model)
				throw openAiError(400, 'you must provide a model parameter');
			if (path === '/v1/chat/completions') {
				if (!Array.isArray(body.messages))
					throw openAiError(400, "Missing required parameter: 'messages'.");
				return chatCompletion(body);
			}
			if (body.input === undefined) throw openAiError(400, "Missing required parameter: 'input'.");
			return response(body);
		}
		throw openAiError(
			404,
			`Invalid URL (${method} /openai${path})`,
			'invalid_request_error',
			'unknown_url',
		);
	}

	return { openai };
}

module.exports = { createOpenAi, replyTo, END_MARKER };

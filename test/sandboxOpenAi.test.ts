/**
 * The sandbox's OpenAI-compatible stand-in (sandbox/openai.js), as n8n's OpenAI Chat Model uses
 * it: the model list, Chat Completions and the Responses API, plain and streamed, with a
 * deterministic reply that counts the user turns and ends with [END] on "bye".
 */
import { startStandin, type Standin } from './helpers/standin';

let standin: Standin;
beforeEach(async () => (standin = await startStandin()));
afterEach(async () => await standin.close());

const post = (path: string, body: object, key = 'any-key') =>
	fetch(`${standin.url}/openai/v1${path}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(key ? { authorization: `Bearer ${key}` } : {}),
		},
		body: JSON.stringify(body),
	});

/** The data lines of an SSE answer, parsed (the last one is [DONE] for Chat Completions). */
async function events(response: Response) {
	expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
	const text = await response.text();
	return text
		.split('\n\n')
		.filter(Boolean)
		.map((block) => {
			const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
			return data === '[DONE]' ? data : JSON.parse(data);
		});
}

const conversation = [
	{ role: 'system', content: 'You are a phone agent.' },
	{ role: 'user', content: 'I need help with billing' },
	{ role: 'assistant', content: 'You said: I need help with billing. This is turn 1.' },
	{ role: 'user', content: [{ type: 'text', text: 'my invoice is wrong' }] },
];

describe('the model list (the credential test)', () => {
	test('GET /models with any key; without one, 401 as OpenAI answers', async () => {
		const listed = await fetch(`${standin.url}/openai/v1/models`, {
			headers: { authorization: 'Bearer sk-whatever' },
		});
		expect(listed.status).toBe(200);
		const body = (await listed.json()) as { object: string; data: Array<{ id: string }> };
		expect(body.object).toBe('list');
		expect(body.data.map((m) => m.id)).toEqual(['gpt-5-mini', 'gpt-4o-mini', 'sandbox-echo']);

		const anonymous = await fetch(`${standin.url}/openai/v1/models`);
		expect(anonymous.status).toBe(401);
		expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
			'missing_api_key',
		);
		const one = await fetch(`${standin.url}/openai/v1/models/gpt-5-mini`, {
			headers: { authorization: 'Bearer k' },
		});
		expect(((await one.json()) as { id: string }).id).toBe('gpt-5-mini');
	});
});

describe('Chat Completions', () => {
	test('the reply names the last user message and counts the user messages (the memory)', async () => {
		const response = await post('/chat/completions', {
			model: 'gpt-5-mini',
			messages: conversation,
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({
			object: 'chat.completion',
			model: 'gpt-5-mini',
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content: 'You said: my invoice is wrong. This is turn 2.' },
					finish_reason: 'stop',
				},
			],
			usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) },
		});
	});

	test('"bye" in any case ends the reply with the [END] marker', async () => {
		const response = await post('/chat/completions', {
			model: 'gpt-5-mini',
			messages: [...conversation, { role: 'user', content: 'OK, BYE then' }],
		});
		const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
		expect(body.choices[0].message.content).toBe(
			'You said: OK, BYE then. This is turn 3. Goodbye. [END]',
		);
	});

	test('streamed: chunks that add up to the same reply, the usage when asked, then [DONE]', async () => {
		const response = await post('/chat/completions', {
			model: 'gpt-5-mini',
			messages: conversation,
			stream: true,
			stream_options: { include_usage: true },
		});
		const chunks = await events(response);
		expect(chunks[chunks.length - 1]).toBe('[DONE]');
		const data = chunks.slice(0, -1) as Array<{
			object: string;
			choices: Array<{ delta: { content?: string }; finish_reason: string | null }>;
			usage?: object;
		}>;
		expect(data.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
		expect(
			data.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? '')).join(''),
		).toBe('You said: my invoice is wrong. This is turn 2.');
		expect(data.flatMap((c) => c.choices.map((choice) => choice.finish_reason))).toContain('stop');
		expect(data[data.length - 1]).toMatchObject({ choices: [], usage: expect.any(Object) });
	});

	test('tool definitions are accepted and never called: plain content', async () => {
		const response = await post('/chat/completions', {
			model: 'gpt-5-mini',
			messages: [
				...conversation,
				{
					role: 'assistant',
					content: null,
					tool_calls: [
						{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{}' } },
					],
				},
				{ role: 'tool', tool_call_id: 't1', content: '{"ok":true}' },
			],
			tools: [
				{
					type: 'function',
					function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
				},
			],
		});
		const body = (await response.json()) as {
			choices: Array<{ message: { content: string; tool_calls?: unknown } }>;
		};
		expect(body.choices[0].message.content).toBe('You said: my invoice is wrong. This is turn 2.');
		expect(body.choices[0].message.tool_calls).toBeUndefined();
	});

	test('bad requests are OpenAI-shaped errors', async () => {
		expect((await post('/chat/completions', { messages: [] })).status).toBe(400);
		expect((await post('/chat/completions', { model: 'm' })).status).toBe(400);
		expect((await post('/chat/completions', { model: 'm', messages: [] }, '')).status).toBe(401);
		const unknown = await post('/embeddings', { model: 'm', input: 'x' });
		expect(unknown.status).toBe(404);
		expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
			/Invalid URL/,
		);
		const broken = await fetch(`${standin.url}/openai/v1/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
			body: '{"model":',
		});
		expect(broken.status).toBe(400);
	});
});

describe('the Responses API (the OpenAI Chat Model 1.3 default)', () => {
	const input = [
		{ type: 'message', role: 'system', content: 'You are a phone agent.' },
		{ type: 'message', role: 'user', content: 'hello' },
		{
			type: 'message',
			role: 'assistant',
			content: [{ type: 'output_text', text: 'hi', annotations: [] }],
		},
		{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'goodbye' }] },
	];

	test('plain: one message output with output_text, and the turn count', async () => {
		const response = await post('/responses', { model: 'gpt-5-mini', input });
		const body = (await response.json()) as Record<string, unknown>;
		const text = 'You said: goodbye. This is turn 2. Goodbye. [END]';
		expect(body).toMatchObject({
			object: 'response',
			status: 'completed',
			model: 'gpt-5-mini',
			output_text: text,
			output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }],
			usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
		});
		// A string input is one user message.
		const single = (await (await post('/responses', { model: 'm', input: 'hi' })).json()) as {
			output_text: string;
		};
		expect(single.output_text).toBe('You said: hi. This is turn 1.');
	});

	test('streamed: the events langchain reads, deltas adding up to the reply, completed last', async () => {
		const response = await post('/responses', { model: 'gpt-5-mini', input, stream: true });
		const data = (await events(response)) as Array<{
			type: string;
			sequence_number: number;
			delta?: string;
			response?: { output_text: string };
		}>;
		expect(data.map((e) => e.type).filter((t) => t !== 'response.output_text.delta')).toEqual([
			'response.created',
			'response.in_progress',
			'response.output_item.added',
			'response.content_part.added',
			'response.output_text.done',
			'response.content_part.done',
			'response.output_item.done',
			'response.completed',
		]);
		expect(data.map((e) => e.sequence_number)).toEqual(data.map((_, i) => i));
		expect(data.map((e) => e.delta ?? '').join('')).toBe(
			'You said: goodbye. This is turn 2. Goodbye. [END]',
		);
		expect(data[data.length - 1].response?.output_text).toBe(
			'You said: goodbye. This is turn 2. Goodbye. [END]',
		);
		expect(standin.state.openai).toEqual([
			{
				api: 'responses',
				model: 'gpt-5-mini',
				stream: true,
				userMessages: 2,
				reply: expect.any(String),
			},
		]);
	});
});

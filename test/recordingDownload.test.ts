/**
 * Recording → Download and Transcription → Download against the stand-in: the file as n8n binary
 * data (bytes, MIME type, name, size), the transcript as JSON items, the application JWT sent only
 * to Vonage's API hosts or the credential's own Base URL (hostile URLs, redirects, userinfo), the
 * size limit (announced or not) and wrong content types refused.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { checkVonageFileUrl, VONAGE_API_HOSTS } from '../nodes/shared/request/files';
import { VonageVoice } from '../nodes/VonageVoice/VonageVoice.node';
import { runNode } from '../scripts/harness/n8n';
import { http, type AddressInfo } from './helpers/node';
import { credentialsFor, startStandin, type Standin } from './helpers/standin';

let standin: Standin & {
	addFile: (applicationId: string, file: IDataObject) => { id: string; url: string };
};
/** Another server, playing a host a payload might name: it must never see a request. */
let evil: {
	url: string;
	seen: Array<{ url: string; authorization?: string }>;
	close: () => Promise<void>;
};

beforeEach(async () => {
	standin = (await startStandin()) as typeof standin;
	const seen: Array<{ url: string; authorization?: string }> = [];
	const server = http.createServer((req, res) => {
		seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
		res.writeHead(200, { 'content-type': 'audio/mpeg' });
		res.end('stolen');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	evil = {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
});
afterEach(async () => {
	await Promise.allSettled(standin.state.pendingDeliveries);
	await standin.close();
	await evil.close();
});

const jwt = () => ({ vonageJwtApi: credentialsFor(standin).vonageJwtApi });
const app = () => standin.sandbox.applicationId;
const fileRequests = () => standin.requests({ path: /^\/v1\/files\// });

function download(
	parameters: IDataObject,
	extra: { continueOnFail?: boolean } = {},
): Promise<INodeExecutionData[]> {
	return runNode(new VonageVoice(), {
		parameters: { resource: 'recording', operation: 'download', ...parameters },
		credentials: jwt(),
		typeVersion: 3,
		...extra,
	});
}
function transcript(parameters: IDataObject): Promise<INodeExecutionData[]> {
	return runNode(new VonageVoice(), {
		parameters: { resource: 'transcription', operation: 'download', ...parameters },
		credentials: jwt(),
		typeVersion: 3,
	});
}
const bytesOf = (item: INodeExecutionData, property = 'data') =>
	Buffer.from(item.binary![property].data, 'base64');

describe('a call recorded by a built NCCO, its recording and transcript downloaded', () => {
	test('record and transcription events carry the URLs; the downloads give the right bytes and the transcript', async () => {
		const events: IDataObject[] = [];
		const receiver = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => {
				events.push(JSON.parse(Buffer.concat(chunks).toString()));
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
		try {
			await runNode(new VonageVoice(), {
				parameters: {
					resource: 'call',
					operation: 'create',
					toNumber: '14155550100',
					fromNumber: '14155550111',
					options: { eventUrl: `${hook}/events` },
					nccoActions: {
						action: [
							{ type: 'talk', text: 'This call is recorded.' },
							{
								type: 'record',
								recordOptions: { eventUrl: `${hook}/recordings` },
								transcribe: true,
								transcription: { eventUrl: `${hook}/transcripts`, language: 'en-GB' },
							},
							{ type: 'input', inputTypes: ['dtmf'] },
						],
					},
				},
				credentials: jwt(),
				typeVersion: 3,
			});
			await Promise.allSettled(standin.state.pendingDeliveries);
		} finally {
			await new Promise((resolve) => receiver.close(resolve));
		}
		const recorded = events.find((e) => e.recording_url && !e.transcription_url)!;
		const transcribed = events.find((e) => e.transcription_url)!;
		expect(recorded).toMatchObject({
			recording_uuid: expect.any(String),
			size: expect.any(Number),
			conversation_uuid: expect.stringMatching(/^CON-/),
		});
		expect(transcribed).toMatchObject({
			type: 'transcription',
			recording_uuid: recorded.recording_uuid,
		});

		const [item] = await runNode(new VonageVoice(), {
			parameters: { resource: 'recording', operation: 'download' },
			credentials: jwt(),
			items: [recorded],
			typeVersion: 3,
		});
		const stored = standin.state.files.get(recorded.recording_uuid).body as Buffer;
		expect(bytesOf(item).equals(stored)).toBe(true);
		expect(item.binary!.data).toMatchObject({
			mimeType: 'audio/mpeg',
			fileName: `recording-${String(recorded.recording_uuid)}.mp3`,
		});
		expect(item.json).toEqual({
			recording_url: recorded.recording_url,
			fileName: `recording-${String(recorded.recording_uuid)}.mp3`,
			mimeType: 'audio/mpeg',
			size: stored.length,
			fileSize: expect.any(String),
			binaryProperty: 'data',
		});
		expect(stored.length).toBe(recorded.size);

		const lines = await runNode(new VonageVoice(), {
			parameters: { resource: 'transcription', operation: 'download' },
			credentials: jwt(),
			items: [transcribed],
			typeVersion: 3,
		});
		expect(lines.map((l) => l.json)).toEqual([
			{
				transcription_url: transcribed.transcription_url,
				language: 'en-GB',
				channels: [{ transcript: [expect.objectContaining({ sentence: expect.any(String) })] }],
			},
		]);
		expect(fileRequests().map((r) => r.auth)).toEqual(['jwt-bearer', 'jwt-bearer']);
	});
});

describe('the file and its metadata', () => {
	test('a WAV keeps its type; a Content-Disposition name is used without its directories; the output field can be renamed', async () => {
		const body = Buffer.from('RIFF....WAVEfmt sandbox');
		const { url } = standin.addFile(app(), {
			body,
			contentType: 'audio/wav',
			headers: { 'content-disposition': 'attachment; filename="../../etc/call 1.wav"' },
		});
		const [item] = await download({ recordingUrl: url, binaryPropertyName: 'audio' });
		expect(bytesOf(item, 'audio').equals(body)).toBe(true);
		expect(item.json).toMatchObject({
			fileName: 'call 1.wav',
			mimeType: 'audio/wav',
			size: body.length,
			binaryProperty: 'audio',
		});
		expect(item.binary!.audio).toMatchObject({ fileName: 'call 1.wav', mimeType: 'audio/wav' });
	});

	test('Options → File Name names the file', async () => {
		const { url } = standin.addFile(app(), {
			body: Buffer.from('ID3abc'),
			contentType: 'audio/mpeg',
		});
		const [item] = await download({ recordingUrl: url, options: { fileName: 'crm-4711.mp3' } });
		expect(item.binary!.data.fileName).toBe('crm-4711.mp3');
	});

	test('a transcript that is a JSON array gives one item per element', async () => {
		const { url } = standin.addFile(app(), {
			body: JSON.stringify([{ sentence: 'a' }, { sentence: 'b' }]),
			contentType: 'application/json; charset=utf-8',
		});
		const out = await transcript({ transcriptionUrl: url });
		expect(out.map((i) => i.json)).toEqual([
			{ transcription_url: url, sentence: 'a' },
			{ transcription_url: url, sentence: 'b' },
		]);
	});
});

describe('the JWT goes only to Vonage’s API hosts', () => {
	test.each(VONAGE_API_HOSTS)('https://%s is accepted', (host) => {
		expect(
			checkVonageFileUrl('Recording URL', `https://${host}/v1/files/abc`, 'https://api.nexmo.com')
				.host,
		).toBe(host);
	});

	test('a backslash is a slash to a URL parser: the host stays api.nexmo.com', () => {
		expect(
			checkVonageFileUrl(
				'Recording URL',
				'https://api.nexmo.com\\@evil.example/x',
				'https://api.nexmo.com',
			).host,
		).toBe('api.nexmo.com');
	});

	test('a host name in capitals is the same host', () => {
		expect(
			checkVonageFileUrl(
				'Recording URL',
				'https://API.NEXMO.COM/v1/files/abc',
				'https://api.nexmo.com',
			).hostname,
		).toBe('api.nexmo.com');
	});

	test.each<[string, string, RegExp]>([
		['another host', 'https://evil.example/v1/files/abc', /refused the host evil\.example/],
		[
			'a host that merely contains nexmo.com',
			'https://api.nexmo.com.evil.example/v1/files/abc',
			/refused the host api\.nexmo\.com\.evil\.example/,
		],
		[
			'a look-alike host',
			'https://evil-api.nexmo.com/v1/files/abc',
			/refused the host evil-api\.nexmo\.com/,
		],
		['nexmo.com itself', 'https://nexmo.com/v1/files/abc', /refused the host nexmo\.com:/],
		[
			'a Vonage host in the path',
			'https://evil.example/api.nexmo.com/v1/files/abc',
			/refused the host evil\.example/,
		],
		[
			'userinfo naming a Vonage host',
			'https://api.nexmo.com@evil.example/v1/files/abc',
			/user name or password before its host evil\.example/,
		],
		[
			'userinfo with a password',
			'https://user:pass@api.nexmo.com/v1/files/abc',
			/user name or password before its host api\.nexmo\.com/,
		],
		[
			'plain http to a Vonage host',
			'http://api.nexmo.com/v1/files/abc',
			/refused the host api\.nexmo\.com: .* only over https/,
		],
		[
			'another port of a Vonage host',
			'https://api.nexmo.com:8443/v1/files/abc',
			/refused the host api\.nexmo\.com:8443/,
		],
		[
			'a trailing-dot host',
			'https://api.nexmo.com./v1/files/abc',
			/refused the host api\.nexmo\.com\./,
		],
		[
			'an encoded slash hiding the real host',
			'https://api.nexmo.com%2f@evil.example/v1/files/abc',
			/user name or password before its host evil\.example/,
		],
		[
			'a fragment after the real host',
			'https://evil.example#@api.nexmo.com/v1/files/abc',
			/refused the host evil\.example/,
		],
		['an IP address', 'https://[::1]/v1/files/abc', /refused the host \[::1\]/],
		['another scheme', 'file:///etc/passwd', /refused the host/],
		['not a URL', 'recording.mp3', /expected the URL from a Vonage event/],
	])('refused: %s, naming the host', (_case, url, message) => {
		expect(() => checkVonageFileUrl('Recording URL', url, 'https://api.nexmo.com')).toThrow(
			message,
		);
	});

	test.each<[string, () => string]>([
		['another host (a server that would answer)', () => `${evil.url}/v1/files/abc`],
		[
			'the Base URL host on another port',
			() => standin.url.replace(/:\d+$/, `:${new URL(evil.url).port}`) + '/v1/files/abc',
		],
		[
			'userinfo naming the Base URL host',
			() => `http://${new URL(standin.url).host}@${new URL(evil.url).host}/v1/files/abc`,
		],
		[
			'a host that merely contains the Base URL host',
			() => `${standin.url.replace('//127.0.0.1', '//127.0.0.1.nip.example')}/v1/files/abc`,
		],
	])('the node sends nothing anywhere for %s, and names the host', async (_case, url) => {
		const target = url();
		await expect(download({ recordingUrl: target })).rejects.toThrow(/^Recording URL: refused/);
		await expect(transcript({ transcriptionUrl: target })).rejects.toThrow(
			/^Transcription URL: refused/,
		);
		expect(evil.seen).toEqual([]);
		expect(fileRequests()).toEqual([]);
	});

	test('a redirect to another host is not followed: the JWT never reaches it, and the error names it', async () => {
		const { url } = standin.addFile(app(), {
			body: Buffer.from('x'),
			contentType: 'audio/mpeg',
			redirect: `${evil.url}/steal`,
		});
		await expect(download({ recordingUrl: url })).rejects.toThrow(
			new RegExp(
				`HTTP 302, a redirect to ${new URL(evil.url).host.replace(/\./g, '\\.')}; it was not followed`,
			),
		);
		expect(evil.seen).toEqual([]);
	});

	test('a file of another application: 401, after one retry with a fresh token', async () => {
		const { url } = standin.addFile('00000000-0000-4000-8000-00000000beef', {
			body: Buffer.from('ID3'),
			contentType: 'audio/mpeg',
		});
		await expect(download({ recordingUrl: url })).rejects.toThrow(
			/Unauthorized|JWT is not of the application/,
		);
		expect(fileRequests()).toHaveLength(2);
	});

	test('a missing file: Vonage’s 404 in its words', async () => {
		await expect(download({ recordingUrl: `${standin.url}/v1/files/nope` })).rejects.toThrow(
			/Not Found/,
		);
	});
});

describe('through the one transport', () => {
	test('a 503 is retried (a GET of a file is safe to repeat); the second attempt downloads', async () => {
		const { url } = standin.addFile(app(), {
			body: Buffer.from('ID3again'),
			contentType: 'audio/mpeg',
		});
		standin.failNext(1, 503, { pathPrefix: '/v1/files/' });
		const [item] = await download({ recordingUrl: url });
		expect(bytesOf(item).toString()).toBe('ID3again');
		expect(fileRequests()).toHaveLength(2);
	});

	test('an error answer is worded from its body, and never carries the JWT', async () => {
		const { url } = standin.addFile('00000000-0000-4000-8000-00000000beef', {
			body: Buffer.from('ID3'),
			contentType: 'audio/mpeg',
		});
		const error = await download({ recordingUrl: url }).catch(
			(e: Error & { description?: string }) => e,
		);
		const text = JSON.stringify({
			message: (error as Error).message,
			description: (error as { description?: string }).description,
			cause: (error as { cause?: unknown }).cause,
		});
		expect(text).toMatch(/Unauthorized/);
		expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
		expect(text).not.toContain(
			String(credentialsFor(standin).vonageJwtApi.privateKey).slice(40, 80),
		);
	});
});

describe('size limit', () => {
	const big = Buffer.alloc(3 * 1024 * 1024 + 1, 7);

	test('a file announced larger than the limit is refused before its body is read; raising the limit downloads it', async () => {
		const { url } = standin.addFile(app(), { body: big, contentType: 'audio/mpeg' });
		await expect(download({ recordingUrl: url, options: { maxSizeMb: 3 } })).rejects.toThrow(
			/^The recording is 3 MB, larger than the limit of 3 MB$/,
		);
		const [item] = await download({ recordingUrl: url, options: { maxSizeMb: 4 } });
		expect(item.json.size).toBe(big.length);
		expect(bytesOf(item).equals(big)).toBe(true);
	});

	test('a file sent without Content-Length is cut off once it passes the limit', async () => {
		const { url } = standin.addFile(app(), { body: big, contentType: 'audio/mpeg', chunked: true });
		await expect(download({ recordingUrl: url, options: { maxSizeMb: 1 } })).rejects.toThrow(
			/The recording is larger than the limit of 1 MB; nothing more was read/,
		);
		const [item] = await download({ recordingUrl: url, options: { maxSizeMb: 4 } });
		expect(bytesOf(item).equals(big)).toBe(true);
	});

	test('a transcript larger than its limit (10 MB unless raised) is refused', async () => {
		const { url } = standin.addFile(app(), {
			body: JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }),
			contentType: 'application/json',
			chunked: true,
		});
		await expect(transcript({ transcriptionUrl: url, options: { maxSizeMb: 1 } })).rejects.toThrow(
			/The transcript is larger than the limit of 1 MB/,
		);
		await expect(transcript({ transcriptionUrl: url })).resolves.toHaveLength(1);
	});

	test.each([0, -1, 'lots'])('Max Size (MB) %p is refused, naming the field', async (maxSizeMb) => {
		const { url } = standin.addFile(app(), { body: Buffer.from('ID3'), contentType: 'audio/mpeg' });
		await expect(download({ recordingUrl: url, options: { maxSizeMb } })).rejects.toThrow(
			/^Options → Max Size \(MB\): expected a size in MB from 1 to 10240/,
		);
	});
});

describe('wrong content types', () => {
	test.each([
		['an HTML page', 'text/html', '<html>login</html>'],
		['JSON (a transcript, or an error with status 200)', 'application/json', '{"a":1}'],
		['no content type', '', 'x'],
	])('a recording answered with %s is refused', async (_case, contentType, body) => {
		const { url } = standin.addFile(app(), { body, contentType });
		await expect(download({ recordingUrl: url })).rejects.toThrow(
			/^Recording URL: Vonage answered with .*not audio/,
		);
	});

	test('a transcript answered with audio is refused; so is JSON that is not JSON', async () => {
		const audio = standin.addFile(app(), { body: Buffer.from('ID3'), contentType: 'audio/mpeg' });
		await expect(transcript({ transcriptionUrl: audio.url })).rejects.toThrow(
			/^Transcription URL: Vonage answered with audio\/mpeg, not JSON/,
		);
		const broken = standin.addFile(app(), {
			body: '{"channels": [',
			contentType: 'application/json',
		});
		await expect(transcript({ transcriptionUrl: broken.url })).rejects.toThrow(
			/^Transcription URL: Vonage's answer is not a JSON transcript/,
		);
	});

	test('with Continue On Fail, a refused item carries its error and the next one downloads', async () => {
		const good = standin.addFile(app(), { body: Buffer.from('ID3ok'), contentType: 'audio/mpeg' });
		const out = await runNode(new VonageVoice(), {
			parameters: {
				resource: 'recording',
				operation: 'download',
				recordingUrl: '={{ $json.recording_url }}',
			},
			credentials: jwt(),
			items: [
				{ recording_url: 'https://api.nexmo.com@evil.example/x' },
				{ recording_url: good.url },
			],
			continueOnFail: true,
			typeVersion: 3,
		});
		expect(out[0].json.error).toMatch(/^Recording URL: refused/);
		expect(bytesOf(out[1]).toString()).toBe('ID3ok');
	});
});

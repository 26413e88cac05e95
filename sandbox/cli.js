#!/usr/bin/env node
'use strict';
// Runs the local Vonage stand-in on its own, as a sandbox for n8n workflows without a Vonage account.
//   node sandbox/cli.js [--port 5680] [--events 50] [--json-out FILE]
const fs = require('node:fs');
const { createStandin } = require('./server');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : fallback;
}

(async () => {
	const standin = createStandin({ deliverCallEvents: true });
	standin.seedEvents(Number(arg('events', 50)));
	const url = await standin.listen(Number(arg('port', process.env.VONAGE_STANDIN_PORT ?? 5680)));
	const info = { url, ...standin.sandbox };
	const out = arg('json-out');
	if (out) fs.writeFileSync(out, JSON.stringify(info, null, 2), { mode: 0o600 });
	console.log(`Vonage stand-in listening on ${url}`);
	console.log(
		`  VIS credential:        base URL ${url}, consumer key ${info.consumerKey}, secret ${info.consumerSecret}, user ${info.username}, password ${info.password}`,
	);
	console.log(
		`  Key/secret credential: base URL ${url}, API key ${info.apiKey}, secret ${info.apiSecret}`,
	);
	console.log(
		`  JWT credential:        base URL ${url}, application ${info.applicationId}${out ? `, private key in ${out}` : ''}`,
	);
	console.log(`  OpenAI credential:     base URL ${url}/openai/v1, any API key`);
	console.log(`  State and controls:    ${url}/_standin/state`);
	const stop = () => standin.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
})();

#!/usr/bin/env node
'use strict';
/**
 * The package in the real n8n editor, in headless Debian Chromium (apt install chromium) driven by
 * playwright-core, against an n8n with the example workflows and `npm start`'s sandbox:
 *   1. the node picker: in the trigger view (an empty workflow) and in the "What happens next?"
 *      view (after a Manual Trigger), each word of test/picker-words.json must list the entries
 *      that do it (the trigger view lists only entries with a trigger, so Vonage Platform is looked
 *      for in the second view only);
 *   2. the output schemas: every workflow is opened, and the panel of each node that follows a
 *      node of the package (the editor asks for the schemas of the nodes before the open one); no
 *      request of the editor for /schemas/n8n-nodes-vonage.… may answer 404;
 *   3. the waiting text: in the voice menu example, "Execute step" on the node after the Voice
 *      Trigger starts a test run that waits for a call, and the canvas must show the trigger's
 *      eventTriggerDescription above it; then the check stops listening.
 *
 * checkEditor() is what `npm test` runs: the start suite's step editorInBrowser
 * (test/e2e/start.e2e.js) calls it on `npm start`'s n8n.
 *   npm run check:picker                     runs that step alone: npm start on a fresh folder, the
 *                                            owner, the check (npm run test:e2e -- editorInBrowser)
 *   PICKER_N8N_URL=http://127.0.0.1:5678 PICKER_EMAIL=… PICKER_PASSWORD=… npm run check:picker
 *                                            asks a running `npm start` instead
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const WORDS = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'picker-words.json'), 'utf8'));
/** Entries the trigger view lists: those with a trigger. */
const WITH_TRIGGER = ['Vonage VIS', 'Vonage Voice', 'Vonage VIS Poll Trigger'];
const VOICE_TRIGGER = 'n8n-nodes-vonage.vonageVoiceTrigger';
/** Where Debian's chromium puts the browser; CHROMIUM_PATH chooses another. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The browser's path, or undefined when it is not installed. */
function chromiumPath() {
	return fs.existsSync(CHROMIUM) ? CHROMIUM : undefined;
}

/**
 * The voice menu example, as the waiting check uses it: its workflow id, its Voice Trigger, the
 * node the trigger's Incoming Call output leads to (an NCCO node), and the trigger's application.
 */
function voiceMenu() {
	const example = JSON.parse(
		fs.readFileSync(path.join(ROOT, 'examples', 'voice-menu.json'), 'utf8'),
	);
	const trigger = example.nodes.find((node) => node.type === VOICE_TRIGGER);
	const next = example.connections[trigger.name].main.flat()[0].node;
	return {
		workflowId: example.id,
		trigger: trigger.name,
		next,
		applicationId: trigger.parameters.applicationId,
	};
}

/** The entry names the open picker lists for a search. */
async function searchPicker(page, word) {
	await page.locator('[data-test-id="node-creator-search-bar"]').first().fill(word);
	await page.waitForTimeout(700);
	return await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
}

/** A node on the open canvas, by name. */
const canvasNode = (page, name) =>
	page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).first();

/** 1. The node picker, searched for each word, before and after a trigger. */
async function checkPicker(page, n8n, failures, log) {
	// First as an empty workflow opens it: "What triggers this workflow?".
	await page.goto(`${n8n.url}/workflow/new`);
	await page.locator('[data-test-id="canvas-plus-button"]').first().click();
	const check = (view, word, listed, expected) => {
		const missing = expected.filter((entry) => !listed.includes(entry));
		log(
			`${missing.length ? 'FAIL' : 'ok  '} ${view.padEnd(8)} "${word}": ${listed.filter((name) => name.startsWith('Vonage')).join(', ') || '(no Vonage entry)'}`,
		);
		if (missing.length) failures.push(`${view} "${word}" does not list ${missing.join(', ')}`);
	};
	for (const [word, expected] of Object.entries(WORDS))
		check(
			'trigger',
			word,
			await searchPicker(page, word),
			expected.filter((entry) => WITH_TRIGGER.includes(entry)),
		);
	// Each trigger's entry under its action node, worded by its hidden Trigger On field.
	for (const [search, node, entry] of [
		['vonage vis', 'Vonage VIS', 'On a call event of the VBC line'],
		['vonage voice', 'Vonage Voice', 'On a call, or a call event, of a Voice application'],
	]) {
		await searchPicker(page, search);
		await page.keyboard.press('Enter');
		await page.waitForTimeout(1000);
		const listed = await page.locator('[data-test-id="node-creator"]').first().innerText();
		log(`${listed.includes(entry) ? 'ok  ' : 'FAIL'} ${node} lists its trigger as "${entry}"`);
		if (!listed.includes(entry)) failures.push(`${node} does not list "${entry}"`);
		await page.keyboard.press('ArrowLeft');
		await page.waitForTimeout(500);
	}
	// Then after a trigger: "What happens next?".
	await searchPicker(page, 'manual');
	await page.keyboard.press('Enter');
	await page.waitForTimeout(1500);
	await page.keyboard.press('Escape');
	await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
	for (const [word, expected] of Object.entries(WORDS))
		check('next', word, await searchPicker(page, word), expected);
}

/**
 * 2. The output schemas: the editor asks for them when a panel opens, for the nodes right before
 * the open one (the schema a node after it maps from). So every workflow is opened, and the panel
 * of each node that follows a node of the package; a node after nothing of the package asks for
 * none of its schemas. The REST API wants the browser id the editor keeps, with the session cookie.
 */
async function checkSchemas(page, n8n, failures, log, context) {
	const { missingSchemas, servedSchemas, inFlight } = context;
	const browserId = await page.evaluate("localStorage.getItem('n8n-browserId')");
	const rest = async (route) =>
		(
			await (
				await page.request.get(`${n8n.url}/rest${route}`, {
					headers: browserId ? { 'browser-id': browserId } : {},
				})
			).json()
		).data;
	const workflows = (await rest('/workflows')) ?? [];
	let opened = 0;
	for (const { id, name: workflow } of workflows) {
		const { nodes, connections } = await rest(`/workflows/${id}`);
		const ofPackage = new Set(
			nodes.filter((node) => node.type.startsWith('n8n-nodes-vonage.')).map((node) => node.name),
		);
		const following = new Set(
			Object.entries(connections)
				.filter(([source]) => ofPackage.has(source))
				.flatMap(([, byType]) => Object.values(byType).flat(2))
				.map((target) => target?.node),
		);
		if (!following.size) continue;
		await page.goto(`${n8n.url}/workflow/${id}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30_000 });
		for (const name of following) {
			context.at = `the panel of "${name}" in "${workflow}"`;
			const ndv = page.locator('[data-test-id="ndv"]').first();
			await canvasNode(page, name).dblclick({ force: true });
			await ndv.waitFor({ state: 'visible' });
			// The input panel asks as it mounts; then every request it made has to be answered.
			await page.waitForTimeout(500);
			for (let i = 0; i < 100 && inFlight.size; i++) await page.waitForTimeout(100);
			// Escape closes the panel, unless a field has the focus; then its close button does.
			await page.keyboard.press('Escape');
			const closed = await ndv.waitFor({ state: 'hidden', timeout: 2_000 }).then(
				() => true,
				() => false,
			);
			if (!closed) {
				await page.locator('[data-test-id="ndv-close-button"]').first().click();
				await ndv.waitFor({ state: 'hidden' });
			}
			opened++;
		}
	}
	log(
		`opened ${workflows.length} workflows and the panels of the ${opened} nodes that follow a node of the package: the editor asked for ${servedSchemas.size + missingSchemas.size} of the package's schemas, ${missingSchemas.size} answered 404`,
	);
	for (const missing of missingSchemas) failures.push(`404 for ${missing}`);
}

/**
 * 3. A test run started from the node after the Voice Trigger waits for a call, and the canvas
 * says so above the trigger, in the words of its eventTriggerDescription as n8n serves it to the
 * editor (n8n's own "Waiting for you to create an event in …" otherwise). Then it stops listening.
 */
async function checkWaitingText(page, n8n, failures, log) {
	const menu = voiceMenu();
	const types = await page.request.get(`${n8n.url}/types/nodes.json`);
	const served = (await types.json()).filter((type) => type.name === VOICE_TRIGGER);
	const text = served.at(-1)?.eventTriggerDescription;
	if (!text) {
		failures.push(`n8n serves the editor no eventTriggerDescription for ${VOICE_TRIGGER}`);
		return;
	}
	await page.goto(`${n8n.url}/workflow/${menu.workflowId}`);
	const next = canvasNode(page, menu.next);
	await next.waitFor({ timeout: 30_000 });
	await next.hover();
	// The editor shows the text as soon as it asks n8n to run; n8n answers once the test webhooks
	// are registered (the trigger has pointed the application at them).
	const ran = page.waitForResponse(
		(response) =>
			response.url().endsWith(`/rest/workflows/${menu.workflowId}/run`) &&
			response.request().method() === 'POST',
	);
	await next.locator('[data-test-id="execute-node-button"]').click();
	const run = await ran;
	const listening = run.ok() && (await run.json()).data?.waitingForWebhook === true;
	if (!listening)
		failures.push(
			`"Execute step" on "${menu.next}" did not listen for a call: n8n answered ${run.status()} ${await run.text()}`,
		);
	const shown = canvasNode(page, menu.trigger).getByText(text, { exact: true });
	try {
		await shown.waitFor({ state: 'visible', timeout: 30_000 });
		log(`ok   "Execute step" on "${menu.next}": the canvas says "${text}" above "${menu.trigger}"`);
	} catch {
		const shot = path.join(os.tmpdir(), 'n8n-vonage-waiting-text.png');
		await page.screenshot({ path: shot }).catch(() => undefined);
		log(`FAIL "Execute step" on "${menu.next}": no "${text}" on the canvas (screenshot: ${shot})`);
		failures.push(
			`a test run from "${menu.next}" does not show "${text}" above "${menu.trigger}" (screenshot: ${shot})`,
		);
	}
	if (!listening) return;
	// Stop listening, as a user would: n8n removes the test webhooks, and the trigger restores the
	// application.
	const stopped = page.waitForResponse(
		(response) =>
			response.url().endsWith(`/rest/test-webhook/${menu.workflowId}`) &&
			response.request().method() === 'DELETE',
	);
	await page.locator('[data-test-id="stop-execution-waiting-for-webhook-button"]').click();
	const stop = await stopped;
	if (!stop.ok()) failures.push(`stopping the test run: n8n answered ${stop.status()}`);
	await shown.waitFor({ state: 'hidden', timeout: 30_000 });
	log('ok   stopped listening: the text is gone');
}

/**
 * Runs the three checks against a running n8n ({ url, email, password } of its owner) that has
 * the example workflows and `npm start`'s credentials; returns the failures, empty when all
 * passed. log(line) prints each result.
 */
async function checkEditor(n8n, { log = console.log } = {}) {
	const executablePath = chromiumPath();
	if (!executablePath)
		throw new Error(`no Chromium at ${CHROMIUM}: apt install chromium (or set CHROMIUM_PATH)`);
	const failures = [];
	const browser = await chromium.launch({
		executablePath,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			// A container's /dev/shm is small (64 MB in Docker).
			'--disable-dev-shm-usage',
		],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		page.setDefaultTimeout(30_000);
		page.on('dialog', (dialog) => dialog.accept().catch(() => undefined));
		// What the checks share: the schema requests seen, and where the check is (for an error).
		const context = {
			missingSchemas: new Set(),
			servedSchemas: new Set(),
			inFlight: new Set(),
			at: '',
		};
		const isSchema = (message) => message.url().includes('/schemas/n8n-nodes-vonage.');
		page.on('request', (request) => isSchema(request) && context.inFlight.add(request));
		for (const done of ['requestfinished', 'requestfailed'])
			page.on(done, (request) => context.inFlight.delete(request));
		page.on('response', (response) => {
			if (!isSchema(response)) return;
			const at = new URL(response.url()).pathname;
			(response.status() === 404 ? context.missingSchemas : context.servedSchemas).add(at);
		});
		await page.goto(`${n8n.url}/signin`);
		await page
			.locator('input[type="email"], input[name="emailOrLdapLoginId"]')
			.first()
			.fill(n8n.email);
		await page.locator('input[type="password"]').first().fill(n8n.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });

		for (const [what, check] of [
			['the node picker', checkPicker],
			["the nodes' panels", checkSchemas],
			['the waiting text', checkWaitingText],
		]) {
			const started = Date.now();
			context.at = what;
			try {
				await check(page, n8n, failures, log, context);
			} catch (error) {
				// Where it stopped, and what the page looked like then.
				const shot = path.join(os.tmpdir(), 'n8n-vonage-editor-check.png');
				await page.screenshot({ path: shot }).catch(() => undefined);
				error.message = `${context.at}: ${error.message} (screenshot: ${shot})`;
				throw error;
			}
			log(`(${what}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
		}
	} finally {
		await browser.close();
	}
	return failures;
}

async function main() {
	if (!chromiumPath()) {
		console.error(
			`npm run check:picker needs Debian's chromium, and there is none at ${CHROMIUM}: apt install chromium (bash scripts/ci-setup.sh installs it), or set CHROMIUM_PATH`,
		);
		process.exit(1);
	}
	if (!process.env.PICKER_N8N_URL) {
		// npm start on a fresh folder, its owner and this check: the start suite's step.
		const run = spawnSync(
			process.execPath,
			[path.join(ROOT, 'test', 'e2e', 'run.js'), 'editorInBrowser'],
			{ stdio: 'inherit' },
		);
		process.exit(run.status ?? 1);
	}
	const failures = await checkEditor({
		url: process.env.PICKER_N8N_URL,
		email: process.env.PICKER_EMAIL,
		password: process.env.PICKER_PASSWORD,
	});
	if (failures.length) {
		console.error(`\npicker check: ${failures.length} failure(s)\n- ${failures.join('\n- ')}`);
		process.exit(1);
	}
	console.log(
		'\npicker check: every word finds its nodes, no schema request failed, and a test run says what it waits for',
	);
}

module.exports = { checkEditor, chromiumPath, voiceMenu, CHROMIUM };

if (require.main === module)
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});

#!/usr/bin/env node
'use strict';
/**
 * Asks the real n8n editor, in headless Debian Chromium (apt install chromium), what its node picker
 * finds for each word of test/picker-words.json, and whether the package's output schemas load:
 *   1. in the trigger view (an empty workflow) and in the "What happens next?" view (after a Manual
 *      Trigger), each word must list the entries that do it (the trigger view lists only entries
 *      with a trigger, so Vonage Platform is looked for in the second view only);
 *   2. every workflow is opened and each of its nodes' panels too, and no request of the editor for
 *      /schemas/n8n-nodes-vonage.… may answer 404.
 *
 *   node scripts/picker-check.js             installs the package into a fresh n8n 2.41.1 with the
 *                                            example workflows (port PICKER_PORT, 5694 by default)
 *   PICKER_N8N_URL=http://127.0.0.1:5678 PICKER_EMAIL=… PICKER_PASSWORD=… node scripts/picker-check.js
 *                                            asks a running n8n (npm start's, say) instead
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const runtime = require('./n8n-runtime');

const WORDS = JSON.parse(
	fs.readFileSync(path.join(__dirname, '..', 'test', 'picker-words.json'), 'utf8'),
);
/** Entries the trigger view lists: those with a trigger. */
const WITH_TRIGGER = ['Vonage VIS', 'Vonage Voice', 'Vonage VIS Poll Trigger'];
const OWNER = {
	email: 'picker@example.com',
	firstName: 'Picker',
	lastName: 'Check',
	password: 'Picker-password-123',
};

/** A fresh n8n with the package and the examples, as `npm start` has them (no sandbox needed). */
async function ownN8n() {
	const n8nBin = runtime.ensureN8n();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-picker-'));
	runtime.installPackage(work);
	const env = runtime.n8nEnv(work, Number(process.env.PICKER_PORT || 5694));
	const examples = path.join(work, 'examples');
	fs.mkdirSync(examples);
	for (const file of fs.readdirSync(path.join(runtime.ROOT, 'examples')))
		fs.copyFileSync(path.join(runtime.ROOT, 'examples', file), path.join(examples, file));
	await runtime.n8nCli(n8nBin, env, ['import:workflow', '--separate', `--input=${examples}`]);
	const { child, url } = await runtime.startN8n(n8nBin, env, path.join(work, 'n8n.log'));
	const stop = async () => {
		await runtime.stopN8n(child);
		fs.rmSync(work, { recursive: true, force: true });
	};
	try {
		// /healthz answers before the REST API is mounted.
		for (let i = 0; i < 60 && !(await fetch(`${url}/rest/settings`).catch(() => ({}))).ok; i++)
			await new Promise((resolve) => setTimeout(resolve, 500));
		const setup = await fetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!setup.ok) throw new Error(`owner setup answered ${setup.status}`);
	} catch (error) {
		// No n8n may outlive the check.
		await stop();
		throw error;
	}
	return { url, email: OWNER.email, password: OWNER.password, stop };
}

/** The entry names the open picker lists for a search. */
async function searchPicker(page, word) {
	await page.locator('[data-test-id="node-creator-search-bar"]').first().fill(word);
	await page.waitForTimeout(700);
	return await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
}

async function main() {
	const n8n = process.env.PICKER_N8N_URL
		? {
				url: process.env.PICKER_N8N_URL,
				email: process.env.PICKER_EMAIL,
				password: process.env.PICKER_PASSWORD,
				stop: async () => undefined,
			}
		: await ownN8n();
	const failures = [];
	let browser;
	try {
		browser = await chromium.launch({
			executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
		});
		const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		page.setDefaultTimeout(30_000);
		page.on('dialog', (dialog) => dialog.accept().catch(() => undefined));
		const missingSchemas = new Set();
		const servedSchemas = new Set();
		page.on('response', (response) => {
			if (!response.url().includes('/schemas/n8n-nodes-vonage.')) return;
			const at = new URL(response.url()).pathname;
			(response.status() === 404 ? missingSchemas : servedSchemas).add(at);
		});
		await page.goto(`${n8n.url}/signin`);
		await page
			.locator('input[type="email"], input[name="emailOrLdapLoginId"]')
			.first()
			.fill(n8n.email);
		await page.locator('input[type="password"]').first().fill(n8n.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });

		// 1. The picker, first as an empty workflow opens it: "What triggers this workflow?".
		await page.goto(`${n8n.url}/workflow/new`);
		await page.locator('[data-test-id="canvas-plus-button"]').first().click();
		const check = (view, word, listed, expected) => {
			const missing = expected.filter((entry) => !listed.includes(entry));
			console.log(
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
			console.log(
				`${listed.includes(entry) ? 'ok  ' : 'FAIL'} ${node} lists its trigger as "${entry}"`,
			);
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

		// 2. Every workflow and every node's panel, where the editor asks for the schemas of the
		// nodes before the open one.
		// n8n's REST API wants the browser id the editor keeps, with the session cookie.
		const browserId = await page.evaluate("localStorage.getItem('n8n-browserId')");
		const listed = await page.request.get(`${n8n.url}/rest/workflows`, {
			headers: browserId ? { 'browser-id': browserId } : {},
		});
		const workflows = (await listed.json()).data ?? [];
		for (const workflow of workflows) {
			await page.goto(`${n8n.url}/workflow/${workflow.id}`);
			const nodes = page.locator('[data-test-id="canvas-node"]');
			await nodes.first().waitFor({ timeout: 30_000 });
			const count = await nodes.count();
			for (let i = 0; i < count; i++) {
				await nodes.nth(i).dblclick({ force: true });
				await page.waitForTimeout(1200);
				await page.keyboard.press('Escape');
				await page.waitForTimeout(300);
			}
		}
		console.log(
			`opened ${workflows.length} workflows and their nodes' panels: the editor asked for ${servedSchemas.size + missingSchemas.size} of the package's schemas, ${missingSchemas.size} answered 404`,
		);
		for (const missing of missingSchemas) failures.push(`404 for ${missing}`);
	} finally {
		await browser?.close();
		await n8n.stop();
	}
	if (failures.length) {
		console.error(`\npicker check: ${failures.length} failure(s)\n- ${failures.join('\n- ')}`);
		process.exit(1);
	}
	console.log('\npicker check: every word finds its nodes, and no schema request failed');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

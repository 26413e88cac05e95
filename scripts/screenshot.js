#!/usr/bin/env node
'use strict';
/**
 * Takes docs/vis-node-panel.png: the Vonage VIS node's parameter panel in the n8n editor,
 * rendered by headless Debian Chromium (apt install chromium) driven by playwright-core.
 *   node scripts/screenshot.js
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const runtime = require('./n8n-runtime');

const PORT = 5690;
const OWNER = { email: 'docs@example.com', firstName: 'Docs', lastName: 'Shot', password: 'Docs-password-123' };

async function main() {
	const n8nBin = runtime.ensureN8n();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-shot-'));
	runtime.installPackage(work);
	const env = runtime.n8nEnv(work, PORT);
	await runtime.importCredentials(n8nBin, env, work, runtime.sandboxCredentials('http://127.0.0.1:5680', { consumerKey: 'key', consumerSecret: 'secret', username: 'user', password: 'password', apiKey: 'key', apiSecret: 'secret', applicationId: 'app', privateKey: '' }));
	await runtime.n8nCli(n8nBin, env, ['import:workflow', `--input=${path.join(runtime.ROOT, 'examples/vis-actions.json')}`]);
	const { child, url } = await runtime.startN8n(n8nBin, env, path.join(work, 'n8n.log'));
	let browser;
	try {
		for (let i = 0; i < 60 && !(await fetch(`${url}/rest/settings`).catch(() => ({}))).ok; i++) await new Promise((r) => setTimeout(r, 500));
		const setup = await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
		if (!setup.ok) throw new Error(`owner setup answered ${setup.status}`);

		browser = await chromium.launch({
			executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		page.setDefaultTimeout(60_000);
		await page.goto(`${url}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"]').first().fill(OWNER.email);
		await page.locator('input[type="password"]').first().fill(OWNER.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });
		await page.goto(`${url}/workflow/vonageVisActions1`);
		const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: 'Place call' }).first();
		await node.waitFor({ timeout: 30_000 });
		await node.dblclick({ force: true });
		await page.getByText('Phone Number').first().waitFor({ timeout: 15_000 });
		await page.waitForTimeout(1000);
		const file = path.join(runtime.ROOT, 'docs', 'vis-node-panel.png');
		await page.screenshot({ path: file });
		console.log(`saved ${file}`);
	} catch (error) {
		const pages = browser?.contexts()[0]?.pages() ?? [];
		if (pages[0]) await pages[0].screenshot({ path: path.join(os.tmpdir(), 'n8n-vonage-shot-failure.png') });
		throw error;
	} finally {
		await browser?.close();
		await runtime.stopN8n(child);
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

#!/usr/bin/env node
'use strict';
/**
 * Takes the panel screenshots in docs/, as the n8n editor renders them in headless Debian Chromium
 * (apt install chromium) driven by playwright-core:
 *   docs/vis-node-panel.png           Vonage VIS → Place a call (examples/vis-actions.json)
 *   docs/voice-place-call-panel.png   Vonage Voice → Place a call, as added: every field empty
 *   docs/voice-update-panel.png       Vonage Voice → Update a call, as added: no action preselected
 *   docs/vis-trigger-panel.png        Vonage VIS Trigger, with its help opened
 *   docs/voice-subtitles-canvas.png   the canvas of those nodes, whose subtitles name their actions
 *   docs/voice-ncco-builder-panel.png the NCCO builder: talk, then record with a transcript (examples/voice-recording.json)
 *   docs/picker-record.png            the node picker of an empty workflow, searched for "record"
 *   docs/picker-hang-up.png           the picker after a trigger ("What happens next?"), searched for "hang up"
 *   node scripts/screenshot.js
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const runtime = require('./n8n-runtime');

const PORT = 5690;
const OWNER = {
	email: 'docs@example.com',
	firstName: 'Docs',
	lastName: 'Shot',
	password: 'Docs-password-123',
};
const JWT = { vonageJwtApi: { id: 'vonageJwtSandbox', name: 'Vonage application JWT (sandbox)' } };
const VIS = { vonageVisPasswordApi: { id: 'vonageVisSandbox', name: 'Vonage VIS (sandbox)' } };

/** Nodes as a user has them right after adding them from the picker, with the credential n8n preselects. */
const panels = {
	id: 'vonageDocsPanels',
	name: 'Panels for the docs',
	active: false,
	settings: { executionOrder: 'v1' },
	connections: {},
	nodes: [
		// Version 4, as the picker adds it: the NCCO is built from fields (NCCO Source: Build).
		{
			id: 'd0c5a1e2-0000-4000-8000-000000000001',
			name: 'Place a call',
			type: 'n8n-nodes-vonage.vonageVoice',
			typeVersion: 4,
			position: [0, 0],
			parameters: {},
			credentials: JWT,
		},
		{
			id: 'd0c5a1e2-0000-4000-8000-000000000002',
			name: 'Update a call',
			type: 'n8n-nodes-vonage.vonageVoice',
			typeVersion: 2,
			position: [260, 0],
			parameters: { operation: 'update', callUuid: '={{ $json.uuid }}' },
			credentials: JWT,
		},
		{
			id: 'd0c5a1e2-0000-4000-8000-000000000003',
			name: 'Hang up',
			type: 'n8n-nodes-vonage.vonageVoice',
			typeVersion: 2,
			position: [520, 0],
			parameters: { operation: 'update', callUuid: '={{ $json.uuid }}', action: 'hangup' },
			credentials: JWT,
		},
		{
			id: 'd0c5a1e2-0000-4000-8000-000000000004',
			name: 'Vonage VIS Trigger',
			type: 'n8n-nodes-vonage.vonageVisTrigger',
			typeVersion: 2,
			position: [0, 240],
			webhookId: 'd0c5a1e2-0000-4000-8000-0000000000ff',
			parameters: {},
			credentials: VIS,
		},
	],
};

async function main() {
	const n8nBin = runtime.ensureN8n();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-vonage-shot-'));
	runtime.installPackage(work);
	const env = runtime.n8nEnv(work, PORT);
	await runtime.importCredentials(
		n8nBin,
		env,
		work,
		runtime.sandboxCredentials('http://127.0.0.1:5680', {
			consumerKey: 'key',
			consumerSecret: 'secret',
			username: 'user',
			password: 'password',
			apiKey: 'key',
			apiSecret: 'secret',
			applicationId: 'app',
			privateKey: '',
		}),
	);
	await runtime.n8nCli(n8nBin, env, [
		'import:workflow',
		`--input=${path.join(runtime.ROOT, 'examples/vis-actions.json')}`,
	]);
	await runtime.n8nCli(n8nBin, env, [
		'import:workflow',
		`--input=${path.join(runtime.ROOT, 'examples/voice-recording.json')}`,
	]);
	const panelsFile = path.join(work, 'panels.json');
	fs.writeFileSync(panelsFile, JSON.stringify(panels));
	await runtime.n8nCli(n8nBin, env, ['import:workflow', `--input=${panelsFile}`]);
	const { child, url } = await runtime.startN8n(n8nBin, env, path.join(work, 'n8n.log'));
	let browser;
	try {
		for (let i = 0; i < 60 && !(await fetch(`${url}/rest/settings`).catch(() => ({}))).ok; i++)
			await new Promise((r) => setTimeout(r, 500));
		const setup = await fetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!setup.ok) throw new Error(`owner setup answered ${setup.status}`);

		browser = await chromium.launch({
			executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		page.setDefaultTimeout(60_000);
		// Leaving a workflow whose panel filled in defaults may ask to confirm; nothing here is kept.
		page.on('dialog', (dialog) => dialog.accept().catch(() => undefined));
		await page.goto(`${url}/signin`);
		await page
			.locator('input[type="email"], input[name="emailOrLdapLoginId"]')
			.first()
			.fill(OWNER.email);
		await page.locator('input[type="password"]').first().fill(OWNER.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });

		/** Opens a canvas node's panel, waits for a text in it, lets it settle, and saves the page. */
		const shoot = async (
			workflowId,
			nodeName,
			waitForText,
			file,
			inPanel = async () => undefined,
		) => {
			await page.goto(`${url}/workflow/${workflowId}`);
			const node = page
				.locator('[data-test-id="canvas-node"]')
				.filter({ hasText: nodeName })
				.first();
			await node.waitFor({ timeout: 30_000 });
			await node.dblclick({ force: true });
			await page.getByText(waitForText).first().waitFor({ timeout: 15_000 });
			await inPanel();
			await page.waitForTimeout(1000);
			const target = path.join(runtime.ROOT, 'docs', file);
			await page.screenshot({ path: target });
			console.log(`saved ${target}`);
		};

		/** A field's description as n8n shows it: a tooltip on the help icon beside its label. */
		const showDescription = async (parameter, text) => {
			const label = page.locator(`label[for="${parameter}"]`).first();
			await label.hover();
			await label.locator('svg[data-icon="circle-help"]').hover();
			await page.getByText(text).first().waitFor({ timeout: 10_000 });
		};

		// The node picker, found by what the nodes do (scripts/picker-check.js checks every word).
		const pickerShot = async (word, file) => {
			await page.locator('[data-test-id="node-creator-search-bar"]').first().fill(word);
			await page
				.locator('[data-test-id="node-creator-item-name"]')
				.filter({ hasText: /^Vonage/ })
				.first()
				.waitFor({ timeout: 15_000 });
			await page.waitForTimeout(800);
			const target = path.join(runtime.ROOT, 'docs', file);
			await page.screenshot({ path: target });
			console.log(`saved ${target}`);
		};
		await page.goto(`${url}/workflow/new`);
		await page.locator('[data-test-id="canvas-plus-button"]').first().click();
		await pickerShot('record', 'picker-record.png');
		await page.locator('[data-test-id="node-creator-search-bar"]').first().fill('manual');
		await page.waitForTimeout(700);
		await page.keyboard.press('Enter');
		await page.waitForTimeout(1500);
		await page.keyboard.press('Escape');
		await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
		await pickerShot('hang up', 'picker-hang-up.png');

		// The canvas: each node's subtitle names its action ("Hang up a call" beside "Update a call").
		await page.goto(`${url}/workflow/vonageDocsPanels`);
		await page.getByText('Hang up a call').first().waitFor({ timeout: 30_000 });
		await page.waitForTimeout(1000);
		await page.screenshot({ path: path.join(runtime.ROOT, 'docs', 'voice-subtitles-canvas.png') });
		console.log(`saved ${path.join(runtime.ROOT, 'docs', 'voice-subtitles-canvas.png')}`);

		await shoot('vonageVisActions1', 'Place call', 'Phone Number', 'vis-node-panel.png');
		await shoot(
			'vonageDocsPanels',
			'Place a call',
			'From Number',
			'voice-place-call-panel.png',
			() => showDescription('fromNumber', /A Vonage number you rent/),
		);
		await shoot('vonageDocsPanels', 'Update a call', 'Action', 'voice-update-panel.png', () =>
			showDescription('action', /none is preselected/),
		);
		await shoot(
			'vonageVoiceRecording1',
			'Place a recorded call',
			'NCCO Source',
			'voice-ncco-builder-panel.png',
			async () => {
				await page.getByText('Record Options').first().scrollIntoViewIfNeeded();
			},
		);
		await shoot(
			'vonageDocsPanels',
			'Vonage VIS Trigger',
			'Make or take a call',
			'vis-trigger-panel.png',
			async () => {
				await page.getByText('When will this node trigger my flow?').first().click();
				await page
					.getByText(/Once you’re happy with your workflow/)
					.first()
					.waitFor({ timeout: 5_000 });
			},
		);
	} catch (error) {
		const pages = browser?.contexts()[0]?.pages() ?? [];
		if (pages[0])
			await pages[0].screenshot({ path: path.join(os.tmpdir(), 'n8n-vonage-shot-failure.png') });
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

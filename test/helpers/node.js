/**
 * What the tests and the bench take from Node.js itself, in one place. `n8n-node lint` lints every
 * .ts file of the repository with the rules for code that runs inside n8n Cloud, where a node may
 * import none of Node's modules but node:crypto, nor use `process`, timers or `__dirname`. Tests
 * and the bench have to: they start servers, spawn Node, read files and wait. They get all of it
 * from this plain JavaScript module (the rules lint .ts files only); its types are in node.d.ts.
 * Nothing that ships may import it: `npm run scan` fails when the packed package requires a file
 * it does not hold.
 */
'use strict';

const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * The repository's root: the nearest folder above this file that holds a package.json. The bench
 * runs a compiled copy of this file from bench/.build/test/helpers/.
 */
function rootAbove(folder) {
	if (fs.existsSync(path.join(folder, 'package.json'))) return folder;
	const parent = path.dirname(folder);
	if (parent === folder) throw new Error(`no package.json above ${__dirname}`);
	return rootAbove(parent);
}
const ROOT = rootAbove(__dirname);

module.exports = {
	ROOT,
	execFileSync: childProcess.execFileSync,
	spawn: childProcess.spawn,
	spawnSync: childProcess.spawnSync,
	fs,
	http: require('node:http'),
	os: require('node:os'),
	path,
	process,
	setTimeout,
	setInterval,
	clearInterval,
	/** Runs V8's garbage collector when Node was started with --expose-gc; else does nothing. */
	collectGarbage: () => global.gc?.(),
	/** The stand-in for Vonage's servers (sandbox/server.js), loaded when first asked for. */
	get sandbox() {
		return require(path.join(ROOT, 'sandbox', 'server'));
	},
};

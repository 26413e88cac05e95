#!/usr/bin/env node
// Checks the project's Markdown (README.md, CONTRIBUTING.md, RELEASING.md, CHANGELOG.md, docs/):
// every relative link and image points at a file that exists, every #anchor at a heading (or
// an HTML id) of its target, and every `npm run NAME`, `npm start` and `npm test` names a script
// in package.json. A reader who follows the README must not meet a dead link or a command that
// npm does not know. Web links are not fetched: the tests run offline.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function markdownFiles(root = ROOT) {
	const files = ['README.md', 'CONTRIBUTING.md', 'RELEASING.md', 'CHANGELOG.md']
		.map((name) => path.join(root, name))
		.filter((file) => fs.existsSync(file));
	const docs = path.join(root, 'docs');
	if (fs.existsSync(docs)) {
		for (const entry of fs.readdirSync(docs, { recursive: true })) {
			if (String(entry).endsWith('.md')) files.push(path.join(docs, String(entry)));
		}
	}
	return files;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading) {
	return heading
		.replace(/<[^>]*>/g, '')
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
		.replace(/ /g, '-');
}

/** The lines of a Markdown text with fenced code blocks blanked. */
function outsideFences(text) {
	let fence;
	return text.split('\n').map((line) => {
		const marker = /^\s*(```|~~~)/.exec(line);
		if (marker) {
			if (!fence) fence = marker[1];
			else if (marker[1] === fence) fence = undefined;
			return '';
		}
		return fence ? '' : line;
	});
}

/** Every anchor a file offers: its headings' slugs (repeats numbered as GitHub does) and HTML ids. */
export function anchorsOf(text) {
	const anchors = new Set();
	const seen = new Map();
	for (const line of outsideFences(text)) {
		const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (heading) {
			const base = slug(heading[1]);
			const count = seen.get(base) ?? 0;
			seen.set(base, count + 1);
			anchors.add(count ? `${base}-${count}` : base);
		}
		for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]);
	}
	return anchors;
}

/** Problems in one Markdown file, each naming the file, the line and what is wrong. */
export function checkFile(file, { root = ROOT, scripts } = {}) {
	const problems = [];
	const text = fs.readFileSync(file, 'utf8');
	const where = (index) => `${path.relative(root, file)}:${index + 1}`;
	outsideFences(text).forEach((raw, index) => {
		// A link written inside a code span is an example, not a link.
		const line = raw.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
		for (const match of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
			const target = match[1];
			if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
			const [filePart, anchor] = target.split('#');
			const targetFile = filePart
				? path.resolve(path.dirname(file), decodeURIComponent(filePart))
				: file;
			if (!fs.existsSync(targetFile)) {
				problems.push(
					`${where(index)}: link to ${target}: ${path.relative(root, targetFile)} does not exist`,
				);
				continue;
			}
			if (anchor === undefined) continue;
			if (!targetFile.endsWith('.md')) continue;
			if (!anchorsOf(fs.readFileSync(targetFile, 'utf8')).has(decodeURIComponent(anchor))) {
				problems.push(
					`${where(index)}: link to ${target}: ${path.relative(root, targetFile)} has no heading with the anchor #${anchor}`,
				);
			}
		}
	});
	if (scripts) {
		text.split('\n').forEach((line, index) => {
			for (const match of line.matchAll(/\bnpm run(?:-script)? ([A-Za-z0-9:._-]+)/g)) {
				if (!(match[1] in scripts))
					problems.push(
						`${where(index)}: "npm run ${match[1]}": package.json has no script "${match[1]}"`,
					);
			}
			for (const match of line.matchAll(/\bnpm (start|test)\b/g)) {
				if (!(match[1] in scripts))
					problems.push(
						`${where(index)}: "npm ${match[1]}": package.json has no script "${match[1]}"`,
					);
			}
		});
	}
	return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const { scripts = {} } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const files = markdownFiles();
	const problems = files.flatMap((file) => checkFile(file, { scripts }));
	if (problems.length) {
		console.error(`Documentation: ${problems.length} broken link(s) or command(s):`);
		for (const problem of problems) console.error(`- ${problem}`);
		process.exitCode = 1;
	} else {
		console.log(`Documentation: links, anchors and npm scripts in ${files.length} files resolve.`);
	}
}

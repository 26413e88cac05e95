#!/usr/bin/env node
// The values only a maintainer knows (the GitHub owner and repository, the author's name and
// email) live in one place: package.json's `repository`, `bugs`, `homepage` and `author`. npm
// shows them, npm trusted publishing refuses a package whose repository URL is not the GitHub
// repository it is published from, and n8n's verification compares them with the GitHub
// repository and its author. This script fills them consistently and checks them before a
// release (RELEASING.md). `npm test` does not run `check`: a clone without a maintainer's values
// must still build and test.
//
//   node scripts/release-metadata.mjs set --owner OWNER --repo REPO --author-name NAME --author-email EMAIL
//   node scripts/release-metadata.mjs check [--tag vX.Y.Z] [--github-repository OWNER/REPO]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_JSON = path.join(ROOT, 'package.json');
const CHANGELOG = path.join(ROOT, 'CHANGELOG.md');

// What the repository holds until a maintainer runs `set`. An underscore cannot occur in a
// GitHub account name, so the marker can never be mistaken for a real owner.
export const PLACEHOLDER = 'REPLACE_ME';

// GitHub account names: letters, digits and single hyphens, not at either end, at most 39.
const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
// Domains reserved for examples and tests (RFC 2606, RFC 6761): never a maintainer's address.
const RESERVED_EMAIL_DOMAIN =
	/@(?:[^@]*\.)?(?:example\.(?:com|org|net)|example|invalid|test|localhost)$/i;

export function urlsFor(owner, repo) {
	const base = `https://github.com/${owner}/${repo}`;
	return {
		repository: { type: 'git', url: `git+${base}.git` },
		bugs: { url: `${base}/issues` },
		homepage: `${base}#readme`,
	};
}

function parseGitHubRepository(url) {
	const match = /^(?:git\+)?https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?$/.exec(url ?? '');
	return match ? { owner: match[1], repo: match[2] } : undefined;
}

/** Every problem that stands between package.json and a release, each saying what to do. */
export function releaseProblems(pkg, { changelog, tag, githubRepository } = {}) {
	const problems = [];
	const fill = `fill it in with: npm run release:metadata -- set --owner OWNER --repo REPO --author-name NAME --author-email EMAIL`;
	const repositoryUrl = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	const parsed = parseGitHubRepository(repositoryUrl);
	if (!parsed) {
		problems.push(
			`package.json "repository.url" is ${JSON.stringify(repositoryUrl)}; expected git+https://github.com/OWNER/REPO.git (${fill})`,
		);
	} else {
		const { owner, repo } = parsed;
		if (owner.includes(PLACEHOLDER) || repo.includes(PLACEHOLDER)) {
			problems.push(
				`package.json "repository.url" still holds the placeholder ${PLACEHOLDER} (${fill})`,
			);
		} else if (!OWNER_PATTERN.test(owner) || !REPO_PATTERN.test(repo)) {
			problems.push(
				`package.json "repository.url" names "${owner}/${repo}", which is not a GitHub owner/repository`,
			);
		}
		const expected = urlsFor(owner, repo);
		if (pkg.repository?.type !== 'git')
			problems.push(`package.json "repository.type" must be "git"`);
		if (pkg.bugs?.url !== expected.bugs.url) {
			problems.push(
				`package.json "bugs.url" is ${JSON.stringify(pkg.bugs?.url)}; expected ${expected.bugs.url}, from "repository.url"`,
			);
		}
		if (pkg.homepage !== expected.homepage) {
			problems.push(
				`package.json "homepage" is ${JSON.stringify(pkg.homepage)}; expected ${expected.homepage}, from "repository.url"`,
			);
		}
		if (githubRepository && githubRepository.toLowerCase() !== `${owner}/${repo}`.toLowerCase()) {
			problems.push(
				`package.json "repository.url" names ${owner}/${repo}, but this workflow runs in ${githubRepository}: npm trusted publishing and n8n's verification both need them to be the same`,
			);
		}
	}
	const author = typeof pkg.author === 'object' && pkg.author !== null ? pkg.author : {};
	if (typeof pkg.author !== 'object')
		problems.push(`package.json "author" must be an object with "name" and "email" (${fill})`);
	if (!author.name || author.name.includes(PLACEHOLDER)) {
		problems.push(
			`package.json "author.name" is ${JSON.stringify(author.name)}: the maintainer's name is missing (${fill})`,
		);
	}
	if (!author.email || author.email.includes(PLACEHOLDER)) {
		problems.push(
			`package.json "author.email" is ${JSON.stringify(author.email)}: the maintainer's email is missing (${fill})`,
		);
	} else if (
		!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(author.email) ||
		RESERVED_EMAIL_DOMAIN.test(author.email)
	) {
		problems.push(
			`package.json "author.email" is ${JSON.stringify(author.email)}, which is not an address anyone can write to`,
		);
	}
	if (tag !== undefined && tag !== `v${pkg.version}`) {
		problems.push(
			`the tag is ${JSON.stringify(tag)} but package.json "version" is ${JSON.stringify(pkg.version)}: tag the release v${pkg.version}, or change the version first`,
		);
	}
	if (changelog !== undefined) {
		const escaped = String(pkg.version).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		if (!new RegExp(`^## \\[${escaped}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm').test(changelog)) {
			problems.push(
				`CHANGELOG.md has no "## [${pkg.version}] - YYYY-MM-DD" section: move the Unreleased entries under it (RELEASING.md)`,
			);
		}
	}
	return problems;
}

function parseOptions(args) {
	const options = {};
	for (let i = 0; i < args.length; i += 2) {
		const name = args[i];
		const value = args[i + 1];
		if (!name.startsWith('--') || value === undefined || value.startsWith('--')) {
			throw new Error(
				`expected "--option value" pairs, got ${JSON.stringify(args.slice(i).join(' '))}`,
			);
		}
		options[name.slice(2)] = value;
	}
	return options;
}

function readPackage() {
	return JSON.parse(fs.readFileSync(PACKAGE_JSON, 'utf8'));
}

function set(options) {
	const required = ['owner', 'repo', 'author-name', 'author-email'];
	const missing = required.filter((name) => !options[name]);
	if (missing.length) throw new Error(`set needs ${missing.map((name) => `--${name}`).join(', ')}`);
	const pkg = readPackage();
	const urls = urlsFor(options.owner, options.repo);
	pkg.repository = urls.repository;
	pkg.bugs = urls.bugs;
	pkg.homepage = urls.homepage;
	pkg.author = { name: options['author-name'], email: options['author-email'] };
	const problems = releaseProblems(pkg);
	if (problems.length) throw new Error(problems.join('\n'));
	// Same layout as npm writes: two-space indent, final newline, key order kept.
	fs.writeFileSync(PACKAGE_JSON, `${JSON.stringify(pkg, null, 2)}\n`);
	console.log(
		`package.json: repository, bugs and homepage point at github.com/${options.owner}/${options.repo}; author is ${pkg.author.name} <${pkg.author.email}>`,
	);
}

function check(options) {
	const unknown = Object.keys(options).filter(
		(name) => !['tag', 'github-repository'].includes(name),
	);
	if (unknown.length)
		throw new Error(`check does not take ${unknown.map((name) => `--${name}`).join(', ')}`);
	const changelog = fs.existsSync(CHANGELOG) ? fs.readFileSync(CHANGELOG, 'utf8') : '';
	const problems = releaseProblems(readPackage(), {
		changelog,
		tag: options.tag,
		githubRepository: options['github-repository'],
	});
	if (problems.length) {
		console.error(
			`Not releasing: ${problems.length} problem(s) with the release metadata (see RELEASING.md):`,
		);
		for (const problem of problems) console.error(`- ${problem}`);
		process.exitCode = 1;
		return;
	}
	console.log('Release metadata: filled in and consistent.');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const [command, ...rest] = process.argv.slice(2);
	try {
		if (command === 'set') set(parseOptions(rest));
		else if (command === 'check') check(parseOptions(rest));
		else
			throw new Error(
				'usage: release-metadata.mjs set --owner OWNER --repo REPO --author-name NAME --author-email EMAIL | check [--tag vX.Y.Z] [--github-repository OWNER/REPO]',
			);
	} catch (error) {
		console.error(`release-metadata: ${error.message}`);
		process.exitCode = 1;
	}
}

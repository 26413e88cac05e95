/**
 * Rules for the GitHub workflows in .github/workflows, read with a real YAML parser: the job that
 * can publish (the one holding `id-token: write`) installs and runs nothing but `npm publish` of a
 * tarball an earlier job packed, and every action is pinned by commit. Each rule returns the
 * problems it finds as sentences, so a failing test says what to fix.
 */
import { parse } from 'yaml';

export type Step = {
	name?: string;
	uses?: string;
	run?: string;
	shell?: string;
	with?: Record<string, unknown>;
};
export type Job = {
	name?: string;
	needs?: string | string[];
	permissions?: Permissions;
	container?: unknown;
	services?: unknown;
	uses?: string;
	defaults?: { run?: { shell?: string } };
	steps?: Step[];
};
export type Permissions = string | Record<string, string>;
export type Workflow = {
	permissions?: Permissions;
	defaults?: { run?: { shell?: string } };
	jobs: Record<string, Job>;
};

export function parseWorkflow(text: string): Workflow {
	const workflow = parse(text) as Workflow;
	if (!workflow || typeof workflow.jobs !== 'object') throw new Error('not a workflow: no jobs');
	return workflow;
}

/** A job's token permissions: its own, or else the workflow's. */
export function permissionsOf(workflow: Workflow, job: Job): Permissions | undefined {
	return job.permissions ?? workflow.permissions;
}

export function holdsIdToken(workflow: Workflow, job: Job): boolean {
	const permissions = permissionsOf(workflow, job);
	if (permissions === undefined) return true; // the repository's default: assume the worst
	if (typeof permissions === 'string') return permissions === 'write-all';
	return permissions['id-token'] === 'write';
}

/** The repository path an action names (`actions/setup-node`), without the version. */
export const actionOf = (uses: string) => uses.replace(/@.*$/, '');

/** Every `uses:` of a workflow: each job's reusable workflow and each step's action. */
export function usesOf(workflow: Workflow): string[] {
	return Object.values(workflow.jobs).flatMap((job) => [
		...(job.uses ? [job.uses] : []),
		...(job.steps ?? []).flatMap((step) => (step.uses ? [step.uses] : [])),
	]);
}

/**
 * Actions pinned by commit: `owner/repo[/path]@<40 hex>`, with the release in a comment on the
 * same line (`# v1.2.3`) so a reader and Dependabot know what the commit is. Local actions and
 * workflows (`./…`) are this repository's own code; a Docker action needs an image digest.
 */
export function pinningProblems(text: string, workflow: Workflow): string[] {
	const problems: string[] = [];
	const remote = usesOf(workflow).filter((uses) => !uses.startsWith('./'));
	for (const uses of remote) {
		if (uses.startsWith('docker://')) {
			if (!/@sha256:[0-9a-f]{64}$/.test(uses)) problems.push(`${uses}: pin the image by digest`);
		} else if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses)) {
			problems.push(`${uses}: pin it to a full 40-character commit SHA`);
		}
	}
	const lines = text.split('\n').filter((line) => {
		const value = /^\s*(?:-\s+)?uses:\s*(\S+)/.exec(line)?.[1];
		return value !== undefined && !/^['"]?\.\//.test(value);
	});
	for (const line of lines) {
		if (!/#\s*v\d+\.\d+\.\d+\b/.test(line)) {
			problems.push(`"${line.trim()}": say which release the commit is, as # vX.Y.Z`);
		}
	}
	if (lines.length !== remote.length) {
		problems.push(
			`${remote.length} actions but ${lines.length} "uses:" lines: write each as "uses: owner/repo@sha # vX.Y.Z" on its own line`,
		);
	}
	return problems;
}

/** Shell words that only arrange commands; the command is the word after them. */
const SHELL_KEYWORDS = new Set([
	'if',
	'then',
	'else',
	'elif',
	'fi',
	'do',
	'done',
	'while',
	'until',
	'!',
	'{',
	'}',
]);
/** What a `run` of the publish job may call. Anything else (node, npx, make, a script…) may not. */
const ALLOWED_COMMANDS = new Set([
	'npm',
	'echo',
	'printf',
	'sort',
	'head',
	'test',
	'[',
	'exit',
	'ls',
]);
/** npm publish options that take a value. */
const NPM_VALUE_OPTIONS = new Set(['--access', '--tag', '--registry', '--otp']);

/**
 * The simple commands of a shell script, each as its words with quotes removed. Command
 * substitutions (`$(…)`, backticks), also inside double quotes, count as commands of their own.
 * Enough of bash for a workflow's `run:`, and on the strict side: what it cannot read is a word.
 */
export function shellCommands(script: string): string[][] {
	const commands: string[][] = [];
	let words: string[] = [];
	let word: string | undefined;
	const endWord = () => {
		if (word !== undefined) words.push(word);
		word = undefined;
	};
	const endCommand = () => {
		endWord();
		if (words.length) commands.push(words);
		words = [];
	};
	/** The text of a substitution starting at `open` (just after `$(`), and the index after its `)`. */
	const substitution = (open: number): [string, number] => {
		let depth = 1;
		for (let i = open; i < script.length; i++) {
			if (script[i] === '(') depth++;
			if (script[i] === ')' && --depth === 0) return [script.slice(open, i), i + 1];
		}
		return [script.slice(open), script.length];
	};
	let quote: "'" | '"' | undefined;
	for (let i = 0; i < script.length;) {
		const c = script[i];
		if (quote === "'") {
			if (c === "'") quote = undefined;
			else word += c;
			i++;
		} else if (c === '\\') {
			word = (word ?? '') + (script[i + 1] ?? '');
			i += 2;
		} else if (c === '$' && script[i + 1] === '(') {
			const [inner, next] = substitution(i + 2);
			commands.push(...shellCommands(inner));
			word = (word ?? '') + '$(…)';
			i = next;
		} else if (c === '`') {
			const close = script.indexOf('`', i + 1);
			const end = close === -1 ? script.length : close;
			commands.push(...shellCommands(script.slice(i + 1, end)));
			word = (word ?? '') + '`…`';
			i = end + 1;
		} else if (quote === '"') {
			if (c === '"') quote = undefined;
			else word += c;
			i++;
		} else if (c === "'" || c === '"') {
			quote = c;
			word = word ?? '';
			i++;
		} else if (c === '#' && word === undefined) {
			while (i < script.length && script[i] !== '\n') i++;
		} else if (/[\n;&|()]/.test(c)) {
			endCommand();
			i++;
		} else if (/\s/.test(c)) {
			endWord();
			i++;
		} else {
			word = (word ?? '') + c;
			i++;
		}
	}
	endCommand();
	return commands;
}

/** A command's name and arguments: keywords and leading `NAME=value` assignments dropped. */
function commandOf(words: string[]): string[] {
	let start = 0;
	while (
		start < words.length &&
		(SHELL_KEYWORDS.has(words[start]) || /^[A-Za-z_]\w*=/.test(words[start]))
	)
		start++;
	return words.slice(start);
}

/** Problems with one npm command of the publish job: only `npm publish ./file.tgz` or `npm --version`. */
function npmProblems(args: string[], where: string): string[] {
	const positional: string[] = [];
	for (let i = 0; i < args.length; i++) {
		if (!args[i].startsWith('-')) positional.push(args[i]);
		else if (NPM_VALUE_OPTIONS.has(args[i])) i++;
	}
	if (!positional.length) return []; // npm --version and the like
	const [subcommand, spec, ...rest] = positional;
	if (subcommand !== 'publish') {
		return [`${where}: "npm ${args.join(' ')}" runs npm ${subcommand}; this job may only publish`];
	}
	const problems: string[] = [];
	if (!spec || !/^\.{0,2}\/.*\.tgz$/.test(spec) || rest.length) {
		problems.push(
			`${where}: npm publish must name one tarball as a path (./dir/name.tgz): a folder would be packed and its scripts run, and "dir/name.tgz" without ./ is read as a GitHub repository`,
		);
	}
	for (const flag of ['--provenance', '--ignore-scripts']) {
		if (!args.includes(flag)) problems.push(`${where}: npm publish needs ${flag}`);
	}
	return problems;
}

/** Problems with a `run:` of the publish job. */
export function runProblems(script: string, where: string): string[] {
	const problems: string[] = [];
	for (const words of shellCommands(script)) {
		const [command, ...args] = commandOf(words);
		if (command === undefined) continue;
		if (!ALLOWED_COMMANDS.has(command)) {
			problems.push(
				`${where}: runs "${[command, ...args].join(' ')}"; the publish job may run npm publish and plain shell checks only`,
			);
		} else if (command === 'npm') {
			problems.push(...npmProblems(args, where));
		}
	}
	return problems;
}

/**
 * Problems with the job that can publish. It may download the tarball and set up Node for the
 * registry (no cache), and run only `npm publish ./….tgz --provenance --ignore-scripts` and plain
 * shell checks: no checkout, no install, no build, no package script, no other action.
 */
export function publishJobProblems(workflow: Workflow, job: Job): string[] {
	const problems: string[] = [];
	if (job.uses)
		problems.push(`calls the reusable workflow ${job.uses}, whose steps this check cannot see`);
	if (job.container) problems.push('runs in a container: its image is code next to the token');
	if (job.services) problems.push('starts services: their images are code next to the token');
	for (const shell of [workflow.defaults?.run?.shell, job.defaults?.run?.shell]) {
		if (shell !== undefined && shell !== 'bash')
			problems.push(`runs its steps with the shell "${shell}"`);
	}
	const steps = job.steps ?? [];
	steps.forEach((step, index) => {
		const where = `step ${index + 1}${step.name ? ` (${step.name})` : ''}`;
		if (step.uses) {
			const action = actionOf(step.uses);
			if (action !== 'actions/download-artifact' && action !== 'actions/setup-node') {
				problems.push(
					`${where}: uses ${step.uses}; only actions/download-artifact and actions/setup-node may run here`,
				);
			}
			if (action === 'actions/setup-node') {
				if (step.with?.cache !== undefined) problems.push(`${where}: setup-node restores a cache`);
				if (String(step.with?.['package-manager-cache']) !== 'false') {
					problems.push(`${where}: setup-node needs package-manager-cache: false`);
				}
			}
		}
		if (step.shell !== undefined && step.shell !== 'bash') {
			problems.push(`${where}: runs with the shell "${step.shell}"`);
		}
		if (step.run !== undefined) problems.push(...runProblems(step.run, where));
	});
	const publishes = steps.some((step) =>
		shellCommands(step.run ?? '').some((words) => {
			const [command, ...args] = commandOf(words);
			return command === 'npm' && args.includes('publish');
		}),
	);
	if (!publishes) problems.push('has no npm publish step');
	return problems;
}

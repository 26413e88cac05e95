/**
 * The release cannot be hijacked by a dependency (RELEASING.md): the one job holding
 * `id-token: write` publishes, with provenance, the tarball an earlier job without the token
 * tested and packed, and installs and runs nothing else; every action in every workflow is pinned
 * by commit. The rules are in test/helpers/workflowRules.ts; the last tests show they catch what
 * they are for, starting with the publish job release.yml had before.
 */
import { fs, path, ROOT } from './helpers/node';
import {
	type Job,
	type Workflow,
	actionOf,
	holdsIdToken,
	parseWorkflow,
	pinningProblems,
	publishJobProblems,
	runProblems,
	shellCommands,
} from './helpers/workflowRules';

const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const files = fs.readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));
const read = (name: string) => fs.readFileSync(path.join(WORKFLOWS, name), 'utf8');
const workflows = new Map(files.map((name) => [name, parseWorkflow(read(name))]));
const release = workflows.get('release.yml')!;

const runsOf = (job: Job) =>
	(job.steps ?? []).flatMap((step) => (step.run ? [step.run.trim()] : []));
const jobsHoldingIdToken = (workflow: Workflow) =>
	Object.entries(workflow.jobs).filter(([, job]) => holdsIdToken(workflow, job));

test('the workflows are release.yml and test.yml', () => {
	expect(files.sort()).toEqual(['release.yml', 'test.yml']);
});

describe.each(files)('%s', (name) => {
	test('declares its token permissions at the top, so no job gets the repository default', () => {
		expect(workflows.get(name)!.permissions).toEqual({ contents: 'read' });
	});

	test('pins every action by commit, with its release in a comment', () => {
		expect(pinningProblems(read(name), workflows.get(name)!)).toEqual([]);
	});
});

describe('release.yml', () => {
	test('one job can publish (holds id-token: write), and it is the publish job', () => {
		expect(jobsHoldingIdToken(release).map(([id]) => id)).toEqual(['publish']);
		expect(jobsHoldingIdToken(workflows.get('test.yml')!)).toEqual([]);
	});

	test('the publish job installs and runs nothing but npm publish of a tarball', () => {
		expect(publishJobProblems(release, release.jobs.publish)).toEqual([]);
	});

	test('the publish job downloads the artifact the build job uploads, and needs that job', () => {
		const { build, publish } = release.jobs;
		expect(publish.needs).toBe('build');
		const upload = build.steps!.find(
			(step) => actionOf(step.uses ?? '') === 'actions/upload-artifact',
		);
		const download = publish.steps!.find(
			(step) => actionOf(step.uses ?? '') === 'actions/download-artifact',
		);
		expect(upload?.with?.name).toBe('package');
		expect(download?.with).toEqual({ name: upload!.with!.name, path: 'release' });
		expect(upload?.with?.path).toBe('release/*.tgz');
		expect(upload?.with?.['if-no-files-found']).toBe('error');
	});

	test('the build job checks the metadata, runs test.yml’s steps in its container, then packs', () => {
		const { build } = release.jobs;
		const testJob = workflows.get('test.yml')!.jobs.test;
		expect(build.permissions).toEqual({ contents: 'read' });
		expect(build.container).toBe(testJob.container);
		const runs = runsOf(build);
		expect(runs[0]).toMatch(/^node scripts\/release-metadata\.mjs check --tag "\$GITHUB_REF_NAME"/);
		const tested = runs.slice(1, 1 + runsOf(testJob).length);
		expect(tested).toEqual(runsOf(testJob));
		expect(runs.slice(1 + tested.length)).toEqual([
			'mkdir release && npm pack --pack-destination release',
		]);
	});

	test('it publishes the file the tag names: v + version is checked in build', () => {
		const publishRun = release.jobs.publish
			.steps!.map((step) => step.run ?? '')
			.find((run) => run.includes('npm publish'));
		expect(publishRun).toContain('"./release/n8n-nodes-vonage-${GITHUB_REF_NAME#v}.tgz"');
	});
});

describe('the rules catch what they are for', () => {
	/** release.yml's publish job before it was split: it installed and built next to the token. */
	const BEFORE = `
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-node@v5
        with:
          node-version: 24
          registry-url: 'https://registry.npmjs.org'
      - name: npm with trusted publishing
        run: npm install --global npm@11
      - name: Install
        run: npm ci
      - name: Build
        run: npm run build
      - name: Publish with provenance
        run: npm publish --provenance --access public
`;

	test('the publish job release.yml had before fails on every count', () => {
		const before = parseWorkflow(BEFORE);
		expect(publishJobProblems(before, before.jobs.publish)).toEqual([
			'step 1: uses actions/checkout@v5; only actions/download-artifact and actions/setup-node may run here',
			'step 2: setup-node needs package-manager-cache: false',
			'step 3 (npm with trusted publishing): "npm install --global npm@11" runs npm install; this job may only publish',
			'step 4 (Install): "npm ci" runs npm ci; this job may only publish',
			'step 5 (Build): "npm run build" runs npm run; this job may only publish',
			expect.stringContaining(
				'step 6 (Publish with provenance): npm publish must name one tarball as a path',
			),
			'step 6 (Publish with provenance): npm publish needs --ignore-scripts',
		]);
		expect(pinningProblems(BEFORE, before)).toEqual([
			'actions/checkout@v5: pin it to a full 40-character commit SHA',
			'actions/setup-node@v5: pin it to a full 40-character commit SHA',
			'"- uses: actions/checkout@v5": say which release the commit is, as # vX.Y.Z',
			'"- uses: actions/setup-node@v5": say which release the commit is, as # vX.Y.Z',
		]);
	});

	test.each([
		['npm ci'],
		['npm install'],
		['npm i -g npm@11'],
		['npm --prefix . install'],
		['npm run build'],
		['npm test'],
		['npm pack'],
		['npm exec -- tsc'],
		['npx tsc'],
		['node scripts/release-metadata.mjs check'],
		['bash scripts/ci-setup.sh'],
		['./build.sh'],
		['corepack enable && pnpm install'],
		['echo "$(npm run build)"'],
		['echo `node -v`'],
		['test -f x.tgz && npm publish ./x.tgz --provenance --ignore-scripts; make'],
		['npm publish --provenance --ignore-scripts'],
		['npm publish . --provenance --ignore-scripts'],
		['npm publish release/x.tgz --provenance --ignore-scripts'],
		['npm publish ./x.tgz --ignore-scripts'],
		['npm publish ./x.tgz --provenance'],
	])('a publish job that runs "%s" fails', (script) => {
		expect(runProblems(script, 'step')).not.toEqual([]);
	});

	test.each([
		['npm publish ./release/x.tgz --provenance --access public --ignore-scripts'],
		[
			'npm publish "./release/n8n-nodes-vonage-${GITHUB_REF_NAME#v}.tgz" --provenance --ignore-scripts --tag next',
		],
		[
			'version="$(npm --version)"\nif [ "$version" != 11 ]; then echo "npm $version is old" # npm ci\n  exit 1\nfi',
		],
	])('a publish job that runs "%s" passes', (script) => {
		expect(runProblems(script, 'step')).toEqual([]);
	});

	test('a publish job fails with another action, a cache, a container or another shell', () => {
		const job = (extra: string) =>
			parseWorkflow(`permissions: {contents: read}\njobs:\n  publish:\n${extra}`);
		const problems = (extra: string) => {
			const workflow = job(extra);
			return publishJobProblems(workflow, workflow.jobs.publish);
		};
		const publish = '      - run: npm publish ./x.tgz --provenance --ignore-scripts\n';
		expect(problems(`    steps:\n${publish}`)).toEqual([]);
		expect(problems(`    steps:\n      - uses: ./.github/actions/setup\n${publish}`)).toEqual([
			expect.stringContaining('uses ./.github/actions/setup; only'),
		]);
		expect(
			problems(
				`    steps:\n      - uses: actions/setup-node@x\n        with: {cache: npm, package-manager-cache: false}\n${publish}`,
			),
		).toEqual(['step 1: setup-node restores a cache']);
		expect(problems(`    container: node:24\n    steps:\n${publish}`)).toEqual([
			expect.stringContaining('runs in a container'),
		]);
		expect(
			problems(
				`    steps:\n      - run: require('child_process')\n        shell: node {0}\n${publish}`,
			),
		).toContainEqual('step 1: runs with the shell "node {0}"');
		expect(problems(`    uses: ./.github/workflows/publish.yml`)).toEqual([
			expect.stringContaining('calls the reusable workflow'),
			'has no npm publish step',
		]);
	});

	test('a workflow without permissions is taken to hold the token', () => {
		const workflow = parseWorkflow('jobs:\n  any:\n    steps: []\n');
		expect(holdsIdToken(workflow, workflow.jobs.any)).toBe(true);
	});

	test('an action pinned in flow style, or without its release, fails; a local one needs no pin', () => {
		const sha = 'a'.repeat(40);
		const flow = `jobs:\n  a:\n    steps: [{uses: actions/checkout@${sha}}]\n`;
		expect(pinningProblems(flow, parseWorkflow(flow))).toEqual([
			expect.stringContaining('1 actions but 0 "uses:" lines'),
		]);
		const bare = `jobs:\n  a:\n    steps:\n      - uses: actions/checkout@${sha}\n`;
		expect(pinningProblems(bare, parseWorkflow(bare))).toEqual([
			expect.stringContaining('as # vX.Y.Z'),
		]);
		const short = `jobs:\n  a:\n    steps:\n      - uses: actions/checkout@${sha.slice(0, 7)} # v5.1.0\n`;
		expect(pinningProblems(short, parseWorkflow(short))).toEqual([
			expect.stringContaining('full 40-character'),
		]);
		const local = `jobs:\n  t:\n    uses: ./.github/workflows/test.yml\n  a:\n    steps:\n      - uses: actions/checkout@${sha} # v5.1.0\n`;
		expect(pinningProblems(local, parseWorkflow(local))).toEqual([]);
	});

	test('the shell reader splits commands and substitutions and drops quotes and comments', () => {
		expect(
			shellCommands('a=1 npm publish "./x $(npm ci).tgz" && echo \'# not\' # comment\nls | head'),
		).toEqual([
			['npm', 'ci'],
			['a=1', 'npm', 'publish', './x $(…).tgz'],
			['echo', '# not'],
			['ls'],
			['head'],
		]);
	});
});

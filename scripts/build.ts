// Build dist/octant: bundle src/main.ts into one ESM file with esbuild, then
// wrap it with this Node (the pinned devDependency) as a single executable
// application (`node --build-sea`). Data files are imported as JSON, so they
// are inside the bundle: the executable needs no file beside it.
//
// Reproducibility: the bundle is deterministic for a commit; the executable is
// the pinned Node binary plus the bundle injected at a fixed place, and V8's
// code cache is off (it embeds non-deterministic data). See README "Build".

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyModules } from './lazy-modules.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(repo, 'dist');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return 'unknown';
  }
}

export async function buildExecutable(options: { entry?: string; output?: string; stamp?: boolean } = {}): Promise<string> {
  const entry = options.entry ?? join(repo, 'src', 'main.ts');
  const output = options.output ?? join(dist, 'octant');
  const bundle = `${output}.mjs`;
  mkdirSync(dirname(output), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node26',
    legalComments: 'none',
    logLevel: 'warning',
    // Builtins and packages load on first use, not at start (see lazy-modules.ts).
    plugins: [lazyModules()],
    // Module paths in the bundle are relative to the checkout, wherever it is.
    absWorkingDir: repo,
    // CommonJS dependencies inside an ESM bundle may still call require();
    // getBuiltinModule, not `import`, so that node:module's ESM facade is not built at start.
    banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
    define: options.stamp === false ? {} : { 'globalThis.__OCTANT_BUILD__': JSON.stringify({ version: pkg.version, commit: gitCommit() }) },
  });
  const config = join(dirname(output), `${createHash('sha256').update(output).digest('hex').slice(0, 8)}.sea.json`);
  writeFileSync(config, JSON.stringify({
    main: bundle,
    mainFormat: 'module',
    output,
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
    useSnapshot: false,
    // node:ffi is experimental; its warning is noise for operators.
    execArgv: ['--disable-warning=ExperimentalWarning'],
  }));
  execFileSync(process.execPath, ['--build-sea', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(config);
  return output;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const output = await buildExecutable();
  const hash = createHash('sha256').update(readFileSync(output)).digest('hex');
  process.stdout.write(`built ${output} in ${Math.round(performance.now() - started)} ms\nsha256 ${hash}\n`);
}

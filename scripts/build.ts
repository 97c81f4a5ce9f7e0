// Build dist/octant: bundle src/main.ts into one ESM file with esbuild, then
// wrap it with this Node (the pinned devDependency) as a single executable
// application (`node --build-sea`). Data files are imported as JSON, so they
// are inside the bundle: the executable needs no file beside it.
//
// Reproducibility: the bundle is deterministic for a commit; the executable is
// the pinned Node binary plus the bundle injected at a fixed place, and V8's
// code cache is off (it embeds non-deterministic data). See README "Build".
//
// `--code-cache` embeds V8's code cache of the bundle: each start then skips
// compiling it (~15-20 ms of CPU less per boot, docs/benchmarks.md "Boot"),
// but two such builds differ in the cache bytes: V8 serializes its string
// table in an order that follows the per-process random hash seed, and fixing
// the seed (--hash-seed) at build time makes V8 reject the cache at run time
// (the flag hash differs), while fixing it at run time too would give up
// V8's protection against hash flooding. So it is off by default.

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

export async function buildExecutable(options: { entry?: string; output?: string; stamp?: boolean; codeCache?: boolean } = {}): Promise<string> {
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
    useCodeCache: options.codeCache === true,
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
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--code-cache');
  if (unknown.length > 0) throw new Error(`build: unknown argument ${unknown[0]} (only --code-cache)`);
  const output = await buildExecutable({ codeCache: args.includes('--code-cache') });
  const hash = createHash('sha256').update(readFileSync(output)).digest('hex');
  process.stdout.write(`built ${output} in ${Math.round(performance.now() - started)} ms\nsha256 ${hash}\n`);
}

// Build dist/octant: bundle src/main.ts with esbuild, then wrap it with this
// Node (the pinned devDependency) as a single executable application
// (`node --build-sea`). Data files are imported as JSON, so they are inside
// the bundle: the executable needs no file beside it.
//
// The default build carries a V8 startup snapshot (`useSnapshot`): building
// runs the bundle once, every command's modules are evaluated and the
// builtins a boot needs are loaded (src/runtime/startup-snapshot.ts), and the
// heap is stored in the executable. A start deserializes it instead of
// compiling and evaluating the bundle (docs/benchmarks.md "Boot"). A snapshot
// needs a script entry, so that bundle is an IIFE, not ESM.
// `--no-snapshot` builds the plain ESM bundle instead (dist/octant.mjs),
// which starts slower but can be run by `node` directly.
//
// Reproducibility: the bundle is deterministic for a commit. The snapshot
// would not be by itself: V8 serializes hash tables in an order set by the
// per-process random hash seed and keeps its random generator's state, and
// Node keeps the builder's pid and file paths in the heap. So the snapshot
// is built with a fixed --hash-seed and --random-seed, and --single-threaded
// (V8's background compiler and concurrent GC otherwise finish at times the
// machine's load decides, and what they left in the heap differed in a few
// bytes between two builds of one commit) and --predictable (a larger heap
// otherwise met a collection whose timing V8's wall-clock heuristics chose,
// and one object header differed between builds), as pid 1 of a fresh
// pid namespace, in a private mount namespace where its files sit at fixed
// paths (buildSnapshotSea). Neither seed reaches a start: Node refuses to
// build a snapshot V8 could not rehash, and V8 rehashes it at every start
// with a fresh random seed (hash-flooding protection of agent-supplied JSON
// stays); Math.random is reseeded per start too. Two builds of a commit are
// byte-identical wherever the checkout is (checked by
// test/integration/reproducible-build.test.ts). Without `unshare`
// (util-linux) or user namespaces, the build still succeeds and says it is
// not reproducible.

import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { basename, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyModules } from './lazy-modules.ts';
import { compileExecGuard } from '../src/kernel/landlock/exec-guard-binary.ts';
import { STAMP_LENGTH, readStamp, sha256Hex, stampFor } from '../src/lib/self-stamp.ts';
import { compileBootInit } from '../src/runtime/image/boot-init-binary.ts';


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

export interface BuildOptions {
  entry?: string;
  output?: string;
  /** Define globalThis.__OCTANT_BUILD__ (version, commit); default true. */
  stamp?: boolean;
  /** Embed a startup snapshot; default true. The entry must then call
   *  v8.startupSnapshot.setDeserializeMainFunction while being built. */
  snapshot?: boolean;
}

// Where the snapshot build sees its files: inside its own mount namespace a
// tmpfs on /mnt holds the output directory and this Node's directory, so no
// path of the checkout (the script's name, process.execPath, argv) ends up
// in the heap and two checkouts at different paths build the same bytes.
const SEALED_DIR = '/mnt/octant-build';

/**
 * V8 flags the executable runs with, given to the snapshot build too (V8
 * refuses a snapshot made under other flags). --no-turbo-fast-api-calls:
 * TurboFan's lowering of fast API calls (node:ffi's foreign functions are
 * such calls) fails a V8 check now and then in optimised code (SIGTRAP,
 * "FastApiCallNode::ArityForArgc"), seen about once in 70-140 boots after a
 * crash (bench/crash-restart.ts); calls then take V8's regular API path.
 */
const RUNTIME_V8_FLAGS = ['--no-turbo-fast-api-calls'];
const SEALED_NODE = '/mnt/octant-node';

/**
 * Run `node --build-sea` for the snapshot in fresh pid and mount namespaces
 * (the builder is pid 1, paths are fixed) with fixed V8 seeds. `config`
 * names files relative to its own directory.
 */
function buildSnapshotSea(config: string, node: string): void {
  const v8Flags = ['--hash-seed=1', '--random-seed=1', '--single-threaded', '--predictable', ...RUNTIME_V8_FLAGS];
  const script = [
    'set -e',
    `mount -t tmpfs -o size=1m,mode=0755 octant-build /mnt`,
    `mkdir ${SEALED_DIR} ${SEALED_NODE}`,
    `mount --bind "$1" ${SEALED_DIR}`,
    `mount --bind "$2" ${SEALED_NODE}`,
    `cd ${SEALED_DIR}`,
    `exec ${SEALED_NODE}/${basename(node)} ${v8Flags.join(' ')} --build-sea "$3"`,
  ].join('\n');
  // Root can make the namespaces directly; others need a user namespace too.
  const ns = process.getuid?.() === 0 ? ['--pid', '--fork', '--mount'] : ['--user', '--map-root-user', '--pid', '--fork', '--mount'];
  const args = [...ns, 'sh', '-c', script, 'sh', dirname(config), dirname(node), basename(config)];
  const isolated = spawnSync('unshare', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (isolated.status === 0) return;
  if (isolated.error === undefined && !/^(unshare|mount|mkdir|sh):/m.test(isolated.stderr)) throw new Error(`build: node --build-sea failed:\n${isolated.stderr}`);
  process.stderr.write(`build: no private pid and mount namespace (${isolated.error?.message ?? isolated.stderr.trim()}); building anyway, but this executable is not byte-reproducible\n`);
  execFileSync(node, [...v8Flags, '--build-sea', basename(config)], { cwd: dirname(config), stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * A copy of this Node without its symbol tables (`strip --strip-all`,
 * binutils): the executable is Node plus the blob, and Node's static symbols
 * are ~35 MB nobody needs at run time (.dynsym, which dynamic linking uses,
 * stays). The stripped copy both builds the snapshot and becomes the
 * executable, so the snapshot is made by the very binary that runs it. It is
 * run once here to prove stripping left it working. Without `strip` the
 * build goes on with the full binary and says so.
 */
function strippedNode(dir: string): { node: string; stripped: boolean } {
  const node = join(dir, 'node');
  mkdirSync(dir, { recursive: true });
  copyFileSync(process.execPath, node);
  const strip = spawnSync('strip', ['--strip-all', node], { encoding: 'utf8' });
  if (strip.error !== undefined || strip.status !== 0) {
    process.stderr.write(`build: cannot strip the Node binary (${strip.error?.message ?? strip.stderr.trim()}); the executable carries the full one\n`);
    copyFileSync(process.execPath, node);
    return { node, stripped: false };
  }
  const probe = spawnSync(node, ['-e', 'process.stdout.write(process.version)'], { encoding: 'utf8' });
  if (probe.status !== 0 || probe.stdout !== process.version) throw new Error(`build: the stripped Node does not run: ${probe.stderr || probe.stdout}`);
  return { node, stripped: true };
}

/**
 * Stamp the executable with the SHA-256 of its bytes (src/lib/self-stamp.ts):
 * `octant --version` reads the stamp instead of hashing 100+ MB at every
 * call, and `octant verify-self` (or `head -c -80 | sha256sum`) checks it.
 */
function stampExecutable(file: string): string {
  const hash = sha256Hex(readFileSync(file));
  appendFileSync(file, stampFor(hash));
  return hash;
}

/**
 * The exec-guard helper every bubblewrap sandbox runs first
 * (src/kernel/landlock/exec-guard.c), compiled with the host's cc and carried
 * in the bundle as base64, so dist/octant needs no compiler. Its bytes depend
 * only on the source and the compiler (flags in exec-guard-binary.ts).
 */
function embeddedExecGuard(): Record<string, string> {
  return {
    'globalThis.__OCTANT_EXEC_GUARD__': JSON.stringify(compileExecGuard().toString('base64')),
    // The initramfs's /init for `octant image build` (src/runtime/image/boot-init.c).
    'globalThis.__OCTANT_BOOT_INIT__': JSON.stringify(compileBootInit().toString('base64')),
  };
}

/**
 * Worker entries (the names lib/worker-pool.ts workerSource() looks up),
 * each bundled into a script and carried in the bundle: a worker of the
 * executable cannot load a file beside it, it runs this code with eval.
 */
const WORKER_ENTRIES: Readonly<Record<string, string>> = {
  'vault-redact': 'src/services/vault/redact-worker.ts',
  'search-index': 'src/services/search/local/index-worker.ts',
  'memory-store': 'src/services/context/store/store-worker.ts',
  'context-embed': 'src/services/context/vectors/embed-worker.ts',
  'context-onnx': 'src/services/context/vectors/onnx-worker.ts',
};

async function embeddedWorkers(): Promise<Record<string, string>> {
  const code: Record<string, string> = {};
  for (const [name, entry] of Object.entries(WORKER_ENTRIES)) {
    const out = await build({
      entryPoints: [join(repo, entry)], bundle: true, write: false, platform: 'node', format: 'iife', target: 'node26',
      legalComments: 'none', logLevel: 'warning', absWorkingDir: repo,
    });
    code[name] = out.outputFiles[0]!.text;
  }
  return { 'globalThis.__OCTANT_WORKERS__': JSON.stringify(code) };
}

export async function buildExecutable(options: BuildOptions = {}): Promise<string> {
  const snapshot = options.snapshot !== false;
  const entry = options.entry ?? join(repo, 'src', 'main.ts');
  const output = options.output ?? join(dist, 'octant');
  const bundle = snapshot ? `${output}.js` : `${output}.mjs`;
  mkdirSync(dirname(output), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: snapshot ? 'iife' : 'esm',
    target: 'node26',
    legalComments: 'none',
    logLevel: 'warning',
    // In the snapshot's script bundle import.meta is empty; its one use
    // (agent/lifecycle/kernel-isolation.ts) is on the from-source path only.
    logOverride: snapshot ? { 'empty-import-meta': 'silent' } : {},
    // Builtins and packages load on first use, not at start (see lazy-modules.ts).
    plugins: [lazyModules()],
    // Module paths in the bundle are relative to the checkout, wherever it is.
    absWorkingDir: repo,
    // CommonJS dependencies may still call require(). A script entry has the
    // SEA's require (builtins only, which is all they ask for); an ES module
    // gets one from getBuiltinModule, not `import`, so that node:module's
    // ESM facade is not built at start.
    banner: snapshot ? {} : { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
    define: {
      ...(options.stamp === false ? {} : { 'globalThis.__OCTANT_BUILD__': JSON.stringify({ version: pkg.version, commit: gitCommit() }) }),
      ...embeddedExecGuard(),
      ...(await embeddedWorkers()),
    },
  });
  // The SEA configuration names its files relative to its own directory
  // (the snapshot build runs there under a fixed path, see buildSnapshotSea).
  const config = join(dirname(output), `${basename(output)}.sea.json`);
  // Written beside the output, then renamed over it: writing the executable
  // in place fails with ETXTBSY while any copy of it runs, and a rename
  // leaves a running one its own (old) file. Same name every build, so the
  // bytes do not depend on it.
  const staged = join(dirname(output), `.${basename(output)}.building`);
  writeFileSync(config, JSON.stringify({
    main: basename(bundle),
    mainFormat: snapshot ? 'commonjs' : 'module',
    output: basename(staged),
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
    useSnapshot: snapshot,
    // node:ffi is experimental; its warning is noise for operators.
    execArgv: ['--disable-warning=ExperimentalWarning', ...RUNTIME_V8_FLAGS],
  }));
  const nodeDir = join(dirname(output), `.${basename(output)}.node`);
  try {
    const { node } = strippedNode(nodeDir);
    if (snapshot) buildSnapshotSea(config, node);
    else execFileSync(node, ['--build-sea', basename(config)], { cwd: dirname(config), stdio: ['ignore', 'ignore', 'inherit'] });
    stampExecutable(staged);
    renameSync(staged, output);
  } finally {
    rmSync(config);
    rmSync(staged, { force: true });
    rmSync(nodeDir, { recursive: true, force: true });
  }
  return output;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--no-snapshot');
  if (unknown.length > 0) throw new Error(`build: unknown argument ${unknown[0]} (only --no-snapshot)`);
  const output = await buildExecutable({ snapshot: !args.includes('--no-snapshot') });
  const hash = readStamp(output);
  process.stdout.write(`built ${output} in ${Math.round(performance.now() - started)} ms\nsha256 ${hash} (of the executable before its ${STAMP_LENGTH}-byte stamp)\n`);
}

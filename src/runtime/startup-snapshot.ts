// The executable's V8 startup snapshot (scripts/build.ts; the default
// build, `--no-snapshot` turns it off). Building it runs the bundle once: every command's modules
// are evaluated and the Node builtins a boot needs are loaded, then the heap
// is serialized into the executable. A start deserializes that heap instead
// of compiling and evaluating ~1 MB of JavaScript and loading the builtins
// again (docs/benchmarks.md "Boot").
//
// What must never be in the snapshot, and why it is not:
// - anything of this machine or this process (environment, pid, time, paths,
//   random values): module top levels compute none of these (checked by
//   test/integration/reproducible-build.test.ts: two starts generate
//   different keys);
//   Math.random is reseeded per start by V8, and node:crypto draws from
//   OpenSSL, which is initialised per process, not from the heap.
// - open handles (sockets, timers, workers, node:ffi libraries): Node refuses
//   to build a snapshot that holds them, so the build fails instead.
// - node:http, whose parser binding cannot be serialized: loaded on first use.
// - nothing a worker thread needs: Node creates a worker of the executable
//   from this snapshot's isolate data but with a bare context, so a builtin
//   loaded here (node:crypto, node:net) aborts the process when a worker
//   loads it again. Workers load only what their own module lists
//   (services/ledger/hash-workers.ts WORKER_BUILTINS, tested through
//   dist/octant by test/integration/ledger-executable.test.ts).
// - a fixed string-hash seed: the build fixes V8's seed so that two builds are
//   byte-identical, and Node refuses a snapshot V8 cannot rehash, so each
//   start rehashes with a fresh random seed (hash-flooding protection stays).

/** Builtins a boot loads, all serializable; the set measured cheapest by
 *  instruction count (docs/benchmarks.md "Boot", round 3). */
const PRELOADED_BUILTINS = [
  'node:crypto',
  'node:fs',
  'node:path',
  'node:util',
  'node:zlib',
  'node:fs/promises',
  'node:net',
  'node:cluster',
] as const;

/** True while the build evaluates the bundle to take the snapshot. */
export function buildingSnapshot(): boolean {
  return process.getBuiltinModule('node:v8').startupSnapshot.isBuildingSnapshot();
}

/**
 * At build time: load the builtins and `preload` (the commands' modules),
 * then make `main` what every start of the executable runs.
 */
export function prepareSnapshot(preload: () => Promise<unknown>, main: () => void): void {
  for (const id of PRELOADED_BUILTINS) process.getBuiltinModule(id);
  // Lazily loaded parts of builtins: fs streams (behind process.stdin and
  // stdout when they are files) and the argument parser every command uses.
  void process.getBuiltinModule('node:fs').ReadStream;
  void process.getBuiltinModule('node:util').parseArgs;
  void preload();
  process.getBuiltinModule('node:v8').startupSnapshot.setDeserializeMainFunction(main);
}

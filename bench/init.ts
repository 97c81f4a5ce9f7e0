// Init benchmark: what PID 1 mode costs on top of a plain foreground boot.
//   A: `octant --root R boot --exit-when-ready`                 spawn -> exit
//   B: `unshare --pid --fork --mount-proc octant --root R init`  spawn -> every
//      service ready -> SIGTERM -> exit 0 (mounts, subreaper/reaper, signals)
// Also the reaper's own cost: one sweep over the children of this process.
// Prints medians and the ratio B / A. Needs root and unshare for B.
//
//   node scripts/build.ts && node bench/init.ts [--runs N]

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { createReaper } from '../src/runtime/init/reaper.ts';
import { silentLogger } from '../src/runtime/log.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
const exe = join(repo, 'dist', 'octant');
if (!existsSync(exe)) throw new Error(`${exe} does not exist: run 'node scripts/build.ts' first`);
if (process.getuid?.() !== 0) throw new Error('needs root: init runs as PID 1 of a new pid namespace');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function plainBoot(root: string): number {
  const started = performance.now();
  const result = spawnSync(exe, ['--root', root, 'boot', '--exit-when-ready', '--json'], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`boot exited ${result.status}`);
  return performance.now() - started;
}

async function pid1Boot(root: string): Promise<{ ready: number; total: number }> {
  const started = performance.now();
  const proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', exe, '--root', root, 'init'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const starting = new Set<string>();
  const ready = new Set<string>();
  let readyAt = 0;
  const exited = new Promise<number | null>((r) => proc.on('exit', r));
  await new Promise<void>((resolveReady, reject) => {
    proc.on('exit', () => reject(new Error('init exited before it was ready')));
    createInterface({ input: proc.stderr }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg: string; service?: string; to?: string };
      if (entry.msg === 'service transition' && entry.to === 'starting') starting.add(entry.service!);
      if (entry.msg === 'service ready') ready.add(entry.service!);
      if (ready.size > 0 && ready.size === starting.size && readyAt === 0) {
        readyAt = performance.now() - started;
        resolveReady();
      }
    });
  });
  const unshare = proc.pid!;
  const init = Number(spawnSync('cat', [`/proc/${unshare}/task/${unshare}/children`], { encoding: 'utf8' }).stdout.trim());
  process.kill(init, 'SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`init exited ${code}`);
  return { ready: readyAt, total: performance.now() - started };
}

function sweepCost(): number {
  const reaper = createReaper({ log: silentLogger, sweepMs: 0 });
  const n = 2_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) reaper.sweep();
  reaper.stop();
  return ((performance.now() - started) * 1000) / n;
}

const plain: number[] = [];
const asInit: number[] = [];
const asInitReady: number[] = [];
for (let i = 0; i < runs; i++) {
  const a = mkdtempSync(join(tmpdir(), 'octant-bench-boot-'));
  const b = mkdtempSync(join(tmpdir(), 'octant-bench-init-'));
  try {
    plain.push(plainBoot(a));
    const r = await pid1Boot(b);
    asInit.push(r.total);
    asInitReady.push(r.ready);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
}
const sweep = sweepCost();
process.stdout.write([
  `runs: ${runs}`,
  `A  boot --exit-when-ready (spawn -> exit):        median ${median(plain).toFixed(1)} ms`,
  `B  init as PID 1 (spawn -> all ready):            median ${median(asInitReady).toFixed(1)} ms`,
  `B  init as PID 1 (spawn -> ready -> SIGTERM -> exit 0): median ${median(asInit).toFixed(1)} ms`,
  `ratio B/A (whole run):                            ${(median(asInit) / median(plain)).toFixed(2)}`,
  `reaper sweep with no zombie:                      ${sweep.toFixed(1)} us per sweep`,
].join('\n') + '\n');

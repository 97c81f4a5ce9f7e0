// Boot benchmark: wall time of `dist/octant --root <tmp> boot --exit-when-ready`
// (process start -> every service ready -> graceful stop -> exit), against the
// floor of a hello-world single executable built the same way with the same
// Node. Prints medians, p90 and the ratio; the in-process figures (services
// ready, ms since process start, main-thread CPU time) come from the boot's
// own --json report. CPU time is printed because on a shared machine wall
// time mostly measures the other processes: the floor prints its own.
//
// `node scripts/build.ts --no-snapshot` builds the executable without its
// startup snapshot, for comparison (see scripts/build.ts).
//
//   node scripts/build.ts && node bench/boot.ts [--runs N] [--exe PATH]
//
// Builds nothing of the project itself; the floor executable is built into a
// temporary directory (takes a while: the SEA copies the Node binary).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildExecutable } from '../scripts/build.ts';
import { stealMeter } from './host-steal.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, exe: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
const exe = resolve(values.exe ?? join(repo, 'dist', 'octant'));
if (!existsSync(exe)) throw new Error(`${exe} does not exist: run 'node scripts/build.ts' first`);

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

function summary(samples: number[]): { median: number; p90: number; min: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), min: sorted[0] };
}

/**
 * One run: wall time from exec to exit and to the moment its stdout shows
 * `marker` (observed here, so it counts everything from exec: loading the
 * executable, Node's start, the snapshot), failing loudly if the program does.
 */
function timeRun(file: string, args: string[], marker: string): Promise<{ ms: number; markMs: number; stdout: string }> {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    let markMs = NaN;
    let stdout = '';
    let stderr = '';
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (Number.isNaN(markMs) && stdout.includes(marker)) markMs = performance.now() - started;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = performance.now() - started;
      if (status !== 0) reject(new Error(`${file} ${args.join(' ')} exited ${status}: ${stderr}`));
      else if (Number.isNaN(markMs)) reject(new Error(`${file} ${args.join(' ')} never printed '${marker}'`));
      else resolveRun({ ms, markMs, stdout });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'octant-bench-boot-'));
try {
  const entry = join(work, 'hello.ts');
  // Hello world, plus its main-thread CPU time so far (as octant's --json
  // report gives it); a snapshot build like octant's, so it runs at deserialization.
  writeFileSync(entry, [
    "const say = () => { const c = process.threadCpuUsage(); process.stdout.write(`hello ${(c.user + c.system) / 1000}\\n`); };",
    "const snapshot = process.getBuiltinModule('node:v8').startupSnapshot;",
    'if (snapshot.isBuildingSnapshot()) snapshot.setDeserializeMainFunction(say); else say();',
    '',
  ].join('\n'));
  process.stderr.write('building the hello-world floor executable...\n');
  const hello = await buildExecutable({ entry, output: join(work, 'hello'), stamp: false });

  const root = join(work, 'root');
  const bootArgs = ['--root', root, 'boot', '--exit-when-ready', '--json'];
  // The first boot creates the state root and the machine key: not a boot, a first run.
  const READY = '"event":"system-ready"';
  const first = await timeRun(exe, bootArgs, READY);
  await timeRun(hello, [], 'hello');

  const steal = stealMeter();
  const octantMs: number[] = [];
  const execToReadyMs: number[] = [];
  const helloOutMs: number[] = [];
  const readyMs: number[] = [];
  const sinceStartMs: number[] = [];
  const cpuMs: number[] = [];
  const helloCpuMs: number[] = [];
  let services = 0;
  const helloMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved so that drift in machine load hits both series alike.
    const run = await timeRun(exe, bootArgs, READY);
    octantMs.push(run.ms);
    execToReadyMs.push(run.markMs);
    const report = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; ms: number; sinceProcessStartMs: number; mainThreadCpuMs: number; services: number })
      .find((e) => e.event === 'system-ready')!;
    readyMs.push(report.ms);
    sinceStartMs.push(report.sinceProcessStartMs);
    cpuMs.push(report.mainThreadCpuMs);
    services = report.services;
    const floor = await timeRun(hello, [], 'hello');
    helloMs.push(floor.ms);
    helloOutMs.push(floor.markMs);
    helloCpuMs.push(Number(floor.stdout.split(' ')[1]));
  }
  const o = summary(octantMs);
  const e = summary(execToReadyMs);
  const ho = summary(helloOutMs);
  const h = summary(helloMs);
  const r = summary(readyMs);
  const s = summary(sinceStartMs);
  const c = summary(cpuMs);
  const hc = summary(helloCpuMs);
  const f = (n: number): string => n.toFixed(1).padStart(7);
  const lines = [
    `boot benchmark: ${runs} runs each, ${cpus().length} CPU(s), ${services} service(s), node ${process.version}`,
    `                                      median      p90      min   (ms)`,
    `exec -> all services ready (seen)    ${f(e.median)}  ${f(e.p90)}  ${f(e.min)}`,
    `exec -> hello printed (floor, seen)  ${f(ho.median)}  ${f(ho.p90)}  ${f(ho.min)}`,
    `octant boot --exit-when-ready (wall) ${f(o.median)}  ${f(o.p90)}  ${f(o.min)}`,
    `hello-world SEA floor (wall)         ${f(h.median)}  ${f(h.p90)}  ${f(h.min)}`,
    `  services ready (in process)        ${f(r.median)}  ${f(r.p90)}  ${f(r.min)}`,
    `  system ready since process start   ${f(s.median)}  ${f(s.p90)}  ${f(s.min)}`,
    `main-thread CPU at ready (octant)    ${f(c.median)}  ${f(c.p90)}  ${f(c.min)}`,
    `main-thread CPU at exit (floor)      ${f(hc.median)}  ${f(hc.p90)}  ${f(hc.min)}`,
    `ratio octant/floor (median wall)     ${(o.median / h.median).toFixed(2)}x; exec -> ready / exec -> hello ${(e.median / ho.median).toFixed(2)}x`,
    `boot cost above the floor (median)   ${(o.median - h.median).toFixed(1)} ms wall, ${(c.median - hc.median).toFixed(1)} ms main-thread CPU`,
    `load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; the host took ${(steal.share() * 100).toFixed(0)}% of the vCPUs' time (steal) during the runs`,
    `(first boot of a fresh state root, with key generation: ${first.ms.toFixed(1)} ms, not counted)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

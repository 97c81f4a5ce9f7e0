// Spawn-to-exec latency of the isolation tiers: the time from asking for a
// process until the program inside writes its first byte. Prints p50/p90
// per tier and each tier's ratio to a plain spawn.
//   node bench/spawn.ts [runs]        (root; bwrap; runsc for the gVisor row)
//
// The bwrap-side tiers run interleaved (one of each per round), so a
// burst of load on a shared machine lands on all of them alike instead of
// on whichever tier happened to be running; gVisor runs after, fewer times.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { launchSandbox } from '../src/kernel/sandbox/launch.ts';
import { bwrapArgs, SECCOMP_FD } from '../src/kernel/sandbox/bwrap-args.ts';
import { hostSystemLayout } from '../src/kernel/sandbox/system-layout.ts';
import { compileSeccomp } from '../src/kernel/seccomp/compiler.ts';
import { favorDynmodsOnce } from '../src/kernel/cgroups/index.ts';
import { SYSCALLS_X86_64 } from '../src/kernel/seccomp/syscall-table.ts';
import { execGuardPath } from '../src/kernel/landlock/exec-guard-binary.ts';
import { guardedCommand } from '../src/kernel/landlock/exec-guard-args.ts';
import type { SandboxPolicy } from '../src/kernel/sandbox-policy.ts';

const RUNS = Number(process.argv[2] ?? 100);
const GVISOR_RUNS = Math.max(10, Math.floor(RUNS / 5));
const ECHO = '/usr/bin/echo';

// Run by root, sandboxes run as an unprivileged uid like every agent.
const AGENT = process.geteuid?.() === 0 ? { uid: 299_998, gid: 299_998 } : { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };

function policy(isolation: SandboxPolicy['isolation']): SandboxPolicy {
  return {
    id: `bench-${randomBytes(6).toString('hex')}`, binds: [], executables: [ECHO], syscalls: Object.keys(SYSCALLS_X86_64), inet: false,
    limits: { memoryBytes: 512 << 20, pids: 256, cpu: 1 }, network: [], credentials: [], ttlSeconds: null, tmpBytes: 16 << 20, isolation, user: AGENT,
  };
}

/** Resolves with ms until the first stdout byte, after the process is gone. */
function firstByte(start: number, stdout: Readable, done: Promise<unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    stdout.once('data', () => {
      const ms = performance.now() - start;
      stdout.resume();
      done.then(() => resolve(ms), reject);
    });
  });
}

function plain(args: string[], filter?: Buffer, asAgent = false): Promise<number> {
  const start = performance.now();
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit', filter ? 'pipe' : 'ignore'], ...(asAgent ? AGENT : {}) });
  if (filter) (child.stdio[SECCOMP_FD] as Writable).end(filter);
  return firstByte(start, child.stdout as Readable, new Promise((r) => child.on('exit', r)));
}

function sandboxed(isolation: SandboxPolicy['isolation']): Promise<number> {
  const start = performance.now();
  const handle = launchSandbox(policy(isolation), [ECHO, 'x'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return firstByte(start, handle.stdio.stdout as Readable, handle.exited);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function report(name: string, samples: number[]): number {
  samples.sort((a, b) => a - b);
  const p50 = percentile(samples, 0.5);
  console.log(`${name.padEnd(44)} runs ${String(samples.length).padStart(4)}  p50 ${p50.toFixed(1).padStart(7)} ms  p90 ${percentile(samples, 0.9).toFixed(1).padStart(7)} ms`);
  return p50;
}

/** Runs every tier once per round, `runs` rounds, after one warm-up round (page cache, filter cache). */
async function interleaved(tiers: [string, () => Promise<number>][], runs: number): Promise<number[]> {
  const samples: number[][] = tiers.map(() => []);
  for (const [, once] of tiers) await once();
  for (let i = 0; i < runs; i++) for (const [t, [, once]] of tiers.entries()) samples[t].push(await once());
  return tiers.map(([name], t) => report(name, samples[t]));
}

const system = hostSystemLayout();
const bare = bwrapArgs(policy('namespaces'), [ECHO, 'x'], { system, seccomp: false });
const filtered = bwrapArgs(policy('namespaces'), [ECHO, 'x'], { system });
const filter = compileSeccomp(policy('namespaces'));
// bwrap runs the exec-guard helper, which makes /tmp and /dev noexec, drops
// capabilities, applies Landlock and installs the same filter, then runs echo.
const guardedEcho = guardedCommand([ECHO, 'x'], { policy: policy('namespaces'), system, seccompFd: SECCOMP_FD });
const guarded = bwrapArgs(policy('namespaces'), guardedEcho, { system, execGuard: execGuardPath() });
// The tier as it was before agents got their own uid: bwrap run by root
// (the agent host root without capabilities), /proc's kernel interfaces open.
const asRoot = bwrapArgs(policy('namespaces'), [ECHO, 'x'], { system: { ...system, proc: { readOnly: [], maskedFiles: [], maskedDirs: [] } } });

console.log(`cgroup favordynmods: ${JSON.stringify(favorDynmodsOnce())}   load average: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
const names = [
  'plain spawn', 'bwrap namespaces (agent uid, /proc closed)', '+ seccomp', '+ exec-guard (noexec, Landlock, caps)',
  '+ cgroup (full default tier, launchSandbox)', 'before: bwrap + seccomp as root, /proc open',
];
const p50s = await interleaved([
  [names[0], () => plain([ECHO, 'x'])],
  [names[1], () => plain(['/usr/bin/bwrap', ...bare], undefined, true)],
  [names[2], () => plain(['/usr/bin/bwrap', ...filtered], filter, true)],
  [names[3], () => plain(['/usr/bin/bwrap', ...guarded], filter, true)],
  [names[4], () => sandboxed('namespaces')],
  [names[5], () => plain(['/usr/bin/bwrap', ...asRoot], filter)],
], RUNS);
const rows: [string, number][] = names.slice(1, 5).map((name, i) => [name, p50s[i + 1]]);
if (existsSync('/usr/bin/runsc')) rows.push(['gVisor', (await interleaved([['gVisor (launchSandbox)', () => sandboxed('gvisor')]], GVISOR_RUNS))[0]]);
for (const [name, p50] of rows) console.log(`ratio p50 ${name} / plain spawn: ${(p50 / p50s[0]).toFixed(1)}x`);
console.log(`exec-guard step alone: ${(p50s[3] - p50s[2]).toFixed(1)} ms p50 (ratio to bwrap with the filter ${(p50s[3] / p50s[2]).toFixed(2)}x)`);
console.log(`ratio p50 + seccomp (agent uid, /proc closed) / before (root, /proc open): ${(p50s[2] / p50s[5]).toFixed(2)}x`);

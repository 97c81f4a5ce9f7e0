// Spawn-to-exec latency of the isolation tiers: the time from asking for a
// process until the program inside writes its first byte. Prints p50/p90
// per tier and each tier's ratio to a plain spawn.
//   node bench/spawn.ts [runs]        (root; bwrap; runsc for the gVisor row)

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { launchSandbox } from '../src/kernel/sandbox/launch.ts';
import { bwrapArgs, SECCOMP_FD } from '../src/kernel/sandbox/bwrap-args.ts';
import { hostSystemLayout } from '../src/kernel/sandbox/system-layout.ts';
import { compileSeccomp } from '../src/kernel/seccomp/compiler.ts';
import { SYSCALLS_X86_64 } from '../src/kernel/seccomp/syscall-table.ts';
import type { SandboxPolicy } from '../src/kernel/sandbox-policy.ts';

const RUNS = Number(process.argv[2] ?? 100);
const GVISOR_RUNS = Math.max(10, Math.floor(RUNS / 5));
const ECHO = '/usr/bin/echo';

function policy(isolation: SandboxPolicy['isolation']): SandboxPolicy {
  return {
    id: `bench-${randomBytes(6).toString('hex')}`, binds: [], executables: [ECHO], syscalls: Object.keys(SYSCALLS_X86_64), inet: false,
    limits: { memoryBytes: 512 << 20, pids: 256, cpu: 1 }, network: [], credentials: [], ttlSeconds: null, tmpBytes: 16 << 20, isolation,
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

function plain(args: string[], filter?: Buffer): Promise<number> {
  const start = performance.now();
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit', filter ? 'pipe' : 'ignore'] });
  if (filter) (child.stdio[SECCOMP_FD] as Writable).end(filter);
  return firstByte(start, child.stdout as Readable, new Promise((r) => child.on('exit', r)));
}

function sandboxed(isolation: SandboxPolicy['isolation']): Promise<number> {
  const start = performance.now();
  const handle = launchSandbox(policy(isolation), [ECHO, 'x'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return firstByte(start, handle.stdio.stdout as Readable, handle.exited);
}

async function measure(name: string, runs: number, once: () => Promise<number>): Promise<number> {
  await once(); // warm the page cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  samples.sort((a, b) => a - b);
  const p50 = samples[Math.floor(runs * 0.5)];
  const p90 = samples[Math.floor(runs * 0.9)];
  console.log(`${name.padEnd(34)} runs ${String(runs).padStart(4)}  p50 ${p50.toFixed(1).padStart(7)} ms  p90 ${p90.toFixed(1).padStart(7)} ms`);
  return p50;
}

const system = hostSystemLayout();
const bare = bwrapArgs(policy('namespaces'), [ECHO, 'x'], { system, seccomp: false });
const filtered = bwrapArgs(policy('namespaces'), [ECHO, 'x'], { system });
const filter = compileSeccomp(policy('namespaces'));

const base = await measure('plain spawn', RUNS, () => plain([ECHO, 'x']));
const rows: [string, number][] = [];
rows.push(['bwrap namespaces', await measure('bwrap namespaces', RUNS, () => plain(['/usr/bin/bwrap', ...bare]))]);
rows.push(['+ seccomp', await measure('+ seccomp', RUNS, () => plain(['/usr/bin/bwrap', ...filtered], filter))]);
rows.push(['+ cgroup (full default tier)', await measure('+ cgroup (full default tier, launchSandbox)', RUNS, () => sandboxed('namespaces'))]);
if (existsSync('/usr/bin/runsc')) rows.push(['gVisor', await measure('gVisor (launchSandbox)', GVISOR_RUNS, () => sandboxed('gvisor'))]);
for (const [name, p50] of rows) console.log(`ratio p50 ${name} / plain spawn: ${(p50 / base).toFixed(1)}x`);

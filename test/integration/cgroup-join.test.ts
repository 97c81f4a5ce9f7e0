// The sandboxed process is inside its cgroup before it runs a single
// instruction (docs/isolation.md, "Born inside the cgroup").
//
// How a test can tell from inside: bwrap creates the sandbox's cgroup
// namespace (--unshare-cgroup-try) when it clones the sandbox, and the
// namespace's root is the cgroup the sandbox was in at that moment. So
// /proc/self/cgroup reading "/" means "the group I was born in is the group
// I am in now", and the agent's pid listed in the host's octant/<id>
// cgroup.procs means "that group is the agent's". Both together: born there.
// The twin joins a running sandbox late (the race the launcher avoids) and
// shows the same probe then sees a path other than "/".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchSandbox } from '../../src/kernel/sandbox/launch.ts';
import { bwrapArgs } from '../../src/kernel/sandbox/bwrap-args.ts';
import { hostSystemLayout } from '../../src/kernel/sandbox/system-layout.ts';
import { createCgroup, detectCgroups } from '../../src/kernel/cgroups/index.ts';
import type { CgroupLayout } from '../../src/kernel/cgroups/index.ts';
import type { SandboxPolicy } from '../../src/kernel/sandbox-policy.ts';
import { SYSCALLS_X86_64 } from '../../src/kernel/seccomp/syscall-table.ts';
import { TEST_AGENT } from '../support/agent-user.ts';

const PYTHON = '/usr/bin/python3';

interface Found {
  layout: CgroupLayout;
  hierarchy: string;
  controller: string;
}

function setup(): Found | string {
  if (process.getuid?.() !== 0) return 'needs root (bubblewrap namespaces and cgroups)';
  for (const tool of ['/usr/bin/bwrap', PYTHON]) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      return `${tool} is missing`;
    }
  }
  try {
    const layout = detectCgroups();
    const hierarchy = layout.version === 2 ? layout.root : layout.mounts.pids;
    // The controller field of this hierarchy's /proc/self/cgroup line (cgroups(7)).
    return hierarchy ? { layout, hierarchy, controller: layout.version === 2 ? '' : 'pids' } : 'no pids cgroup hierarchy';
  } catch (error) {
    return `no usable cgroup hierarchy: ${(error as Error).message}`;
  }
}
const found = setup();
const skip = typeof found === 'string' ? found : false;
if (skip) console.log(`# skipping cgroup join tests: ${skip}`);

function policy(id: string, hierarchy: string): SandboxPolicy {
  return {
    id, executables: [PYTHON], syscalls: Object.keys(SYSCALLS_X86_64), inet: false,
    // The hierarchy read-only, so the probe can read its own group's cgroup.procs.
    binds: [{ source: hierarchy, target: hierarchy, mode: 'ro' }],
    limits: { pids: 32 }, network: [], credentials: [], ttlSeconds: null, tmpBytes: 1 << 20, isolation: 'namespaces', user: TEST_AGENT,
  };
}

// The probe's first statement reads /proc/self/cgroup; `delay` seconds later
// it checks the host's cgroup.procs of octant/<id> for its own pid.
function probe(procsFile: string, delay = 0): string {
  const { controller } = found as Found;
  return [
    'import os, json, time',
    "first = open('/proc/self/cgroup').read().splitlines()",
    `time.sleep(${delay})`,
    `listed = str(os.getpid()) in open(${JSON.stringify(procsFile)}).read().split()`,
    `mine = [l.split(':', 2)[2] for l in first if l.split(':')[1] == ${JSON.stringify(controller)}]`,
    "print(json.dumps({'path': mine, 'listed': listed}), flush=True)",
  ].join('\n');
}

async function output(stdout: NodeJS.ReadableStream, exited: Promise<unknown>): Promise<{ path: string[]; listed: boolean }> {
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk));
  await exited;
  return JSON.parse(text.trim());
}

test('the agent is in its cgroup from its first instruction (born there, not moved)', { skip }, async () => {
  const { hierarchy } = found as Found;
  const id = `join-${randomBytes(6).toString('hex')}`;
  const procsFile = join(hierarchy, 'octant', id, 'cgroup.procs');
  const handle = launchSandbox(policy(id, hierarchy), [PYTHON, '-S', '-c', probe(procsFile)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = await output(handle.stdio.stdout as NodeJS.ReadableStream, handle.exited);
  assert.deepEqual(out, { path: ['/'], listed: true });
});

test('twin: a sandbox moved into the group after it started sees a path other than "/"', { skip }, async () => {
  const { layout, hierarchy } = found as Found;
  const id = `late-${randomBytes(6).toString('hex')}`;
  const group = createCgroup(id, { pids: 32 }, layout);
  const procsFile = join(hierarchy, 'octant', id, 'cgroup.procs');
  // bwrap started outside the group, as a launcher that joined after spawn() would.
  const args = bwrapArgs(policy(id, hierarchy), [PYTHON, '-S', '-c', probe(procsFile, 0.5)], { system: hostSystemLayout(), seccomp: false });
  const child = spawn('/usr/bin/bwrap', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    // bwrap → sandbox init → python: move all three once python exists.
    const childrenOf = (pid: number): number[] => {
      try {
        return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    let tree: number[] = [];
    for (let i = 0; i < 200 && tree.length < 3; i++) {
      const init = childrenOf(child.pid as number);
      tree = [child.pid as number, ...init, ...init.flatMap(childrenOf)];
      if (tree.length < 3) await sleep(5);
    }
    assert.equal(tree.length, 3, 'bwrap, its init and python are running');
    for (const pid of tree) group.join(pid);
    const out = await output(child.stdout as NodeJS.ReadableStream, exited);
    assert.equal(out.listed, true, 'python is in the group by the time it looks');
    assert.notDeepEqual(out.path, ['/'], 'but its cgroup namespace root is where it was born');
    assert.ok(out.path[0].endsWith(`/octant/${id}`), out.path[0]);
  } finally {
    child.kill('SIGKILL');
    await exited;
    await group.kill();
    group.remove();
  }
});

// PID 1 for real: the init runs as the first process of a fresh pid namespace
// (`unshare --pid --fork --mount-proc`), and these tests look inside that
// namespace with nsenter. Needs root, unshare and nsenter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AS_PID1, RunningInit, pid1Skip } from '../support/running-init.ts';
import { SERVICES } from '../../src/operator/service-table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'init-fixture.ts');
const mainTs = join(here, '..', '..', 'src', 'main.ts');

const skip = pid1Skip();
if (skip !== undefined) process.stdout.write(`# skipping PID 1 tests: ${skip}\n`);

function startAsPid1(env: Record<string, string> = {}): RunningInit {
  return new RunningInit([...AS_PID1, process.execPath, '--disable-warning=ExperimentalWarning', fixture], env);
}

/** Zombies in the namespace as "pid ppid" strings, from every /proc/<pid>/stat. */
function zombiesInside(init: RunningInit): string[] {
  const stats = init.inside('cat /proc/[0-9]*/stat 2>/dev/null || true');
  return stats.split('\n').filter((l) => l !== '').map((l) => l.slice(l.lastIndexOf(')') + 2).split(' '))
    .filter((f) => f[0] === 'Z').map((f) => f.join(' '));
}

const services = (init: RunningInit, msg: string): unknown[] => init.lines.filter((l) => l.msg === msg).map((l) => l.service);

test('as PID 1, orphans of a double fork are reaped and libuv children keep their exit status', { skip }, async () => {
  const init = startAsPid1();
  try {
    const started = await init.waitFor((l) => l.msg === 'init started', 'init started');
    assert.equal(started.pid, 1);
    assert.equal(started.mode, 'pid1');
    await init.waitFor((l) => l.msg === 'booted', 'booted');

    // An orphan made from outside init's own children: a shell entered into
    // the namespace forks a sleep in a subshell and exits; the kernel
    // reparents the sleep to the namespace's PID 1, which must reap it.
    const orphan = Number(init.inside('(sleep 0.3 >/dev/null 2>&1 & echo $!) ; exit 0').trim());
    assert.ok(orphan > 1, `orphan pid ${orphan}`);
    await init.waitFor((l) => l.msg === 'reaped orphans' && (l.pids as number[]).includes(orphan), `the reaping of pid ${orphan}`);
    assert.equal(init.inside(`test -e /proc/${orphan} && echo present || echo gone`).trim(), 'gone');

    // The orphan init made itself (fixture boot) is reaped too.
    const own = (await init.waitFor((l) => l.msg === 'orphan started', 'orphan started')).pid as number;
    await init.waitFor((l) => l.msg === 'reaped orphans' && (l.pids as number[]).includes(own), `the reaping of pid ${own}`);
    // The reaper never took the status child_process was waiting for.
    assert.equal((await init.waitFor((l) => l.msg === 'libuv child exited', 'libuv child exit')).code, 7);
    assert.deepEqual(zombiesInside(init), []);

    process.kill(init.nsInitPid(), 'SIGTERM');
    assert.equal(await init.exited, 0);
  } finally {
    init.kill();
  }
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`as PID 1, ${signal} stops the services in reverse order and exits 0`, { skip }, async () => {
    const init = startAsPid1();
    try {
      await init.waitFor((l) => l.msg === 'booted', 'booted');
      process.kill(init.nsInitPid(), signal);
      assert.equal(await init.exited, 0);
      assert.deepEqual(services(init, 'service started'), ['a', 'b', 'c']);
      assert.deepEqual(services(init, 'service stopped'), ['c', 'b', 'a']);
      assert.equal(init.lines.find((l) => l.msg === 'stopping')?.reason, signal);
    } finally {
      init.kill();
    }
  });
}

test('as PID 1, a second signal during a stuck shutdown forces the exit', { skip }, async () => {
  const init = startAsPid1({ FIXTURE_HANG_STOP: '1' });
  try {
    await init.waitFor((l) => l.msg === 'booted', 'booted');
    const pid = init.nsInitPid();
    process.kill(pid, 'SIGTERM');
    await init.waitFor((l) => l.msg === 'stopping', 'stopping');
    process.kill(pid, 'SIGTERM');
    assert.equal(await init.exited, 128 + 15);
    assert.deepEqual(services(init, 'service stopped'), []);
  } finally {
    init.kill();
  }
});

test('as PID 1, missing /proc, /sys, /dev, /run and the cgroup2 hierarchy are mounted (here under a scratch root)', { skip }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-init-mounts-'));
  const init = startAsPid1({ FIXTURE_MOUNT_ROOT: root });
  try {
    await init.waitFor((l) => l.msg === 'booted', 'booted');
    const mounted = init.lines.filter((l) => l.msg === 'mounted').map((l) => [l.target, l.fstype]);
    assert.deepEqual(mounted, [[`${root}/proc`, 'proc'], [`${root}/sys`, 'sysfs'], [`${root}/dev`, 'devtmpfs'], [`${root}/run`, 'tmpfs'], [`${root}/sys/fs/cgroup`, 'cgroup2']]);
    // The new proc shows this namespace: its pid 1 is the init.
    assert.match(init.inside(`cat ${root}/proc/1/stat`), /^1 \(/);
    const info = init.inside('cat /proc/self/mountinfo');
    assert.match(info, new RegExp(`${root}/run rw,nosuid,nodev[^\\n]* - tmpfs tmpfs rw[^\\n]*mode=755`));
    process.kill(init.nsInitPid(), 'SIGTERM');
    assert.equal(await init.exited, 0);
  } finally {
    init.kill();
    await init.exited;
    // The mounts lived in the namespace's own mount table and died with it.
    rmSync(root, { recursive: true, force: true });
  }
});

test('outside a pid namespace init becomes a child subreaper and reaps orphans the same way', { skip: process.platform !== 'linux' ? 'Linux only' : undefined }, async () => {
  const init = new RunningInit([process.execPath, '--disable-warning=ExperimentalWarning', fixture]);
  try {
    const started = await init.waitFor((l) => l.msg === 'init started', 'init started');
    assert.equal(started.mode, 'subreaper');
    assert.equal(started.pid, init.proc.pid);
    const own = (await init.waitFor((l) => l.msg === 'orphan started', 'orphan started')).pid as number;
    await init.waitFor((l) => l.msg === 'reaped orphans' && (l.pids as number[]).includes(own), `the reaping of pid ${own}`);
    assert.equal((await init.waitFor((l) => l.msg === 'libuv child exited', 'libuv child exit')).code, 7);
    init.proc.kill('SIGTERM');
    assert.equal(await init.exited, 0);
    assert.deepEqual(services(init, 'service stopped'), ['c', 'b', 'a']);
  } finally {
    init.kill();
  }
});

test('octant init as PID 1 boots the service graph, reaps, and stops it in reverse order on SIGTERM', { skip }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-init-root-'));
  const init = new RunningInit([...AS_PID1, process.execPath, '--disable-warning=ExperimentalWarning', mainTs, '--root', root, 'init'], {}, 'stderr');
  try {
    assert.equal((await init.waitFor((l) => l.msg === 'init started', 'init started')).pid, 1);
    await init.waitFor((l) => l.msg === 'booted', 'booted');
    await init.waitFor((l) => l.msg === 'service ready' && l.service === 'ledger', 'ledger ready');
    const orphan = Number(init.inside('(sleep 0.2 >/dev/null 2>&1 & echo $!) ; exit 0').trim());
    await init.waitFor((l) => l.msg === 'reaped orphans' && (l.pids as number[]).includes(orphan), `the reaping of pid ${orphan}`);
    // Wait until every service that started is ready, then stop.
    const started = () => init.lines.filter((l) => l.msg === 'service transition' && l.to === 'starting').map((l) => l.service);
    const ready = () => init.lines.filter((l) => l.msg === 'service ready').map((l) => l.service);
    await init.waitFor(() => ready().length === new Set(started()).size, 'every service ready');
    process.kill(init.nsInitPid(), 'SIGTERM');
    assert.equal(await init.exited, 0);
    const stopped = init.lines.filter((l) => l.msg === 'service transition' && l.to === 'stopped').map((l) => l.service);
    // Reverse dependency order: each service stops before everything it needs.
    assert.deepEqual([...stopped].sort(), [...ready()].sort());
    for (const service of SERVICES) {
      for (const need of service.needs) {
        assert.ok(stopped.indexOf(service.name) < stopped.indexOf(need), `${service.name} stopped after ${need}: ${stopped.join(' ')}`);
      }
    }
    assert.ok(init.lines.some((l) => l.msg === 'stopped' && l.signal === 'SIGTERM'));
  } finally {
    init.kill();
    await init.exited;
    rmSync(root, { recursive: true, force: true });
  }
});

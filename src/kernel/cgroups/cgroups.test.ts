import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createCgroup, detectCgroups } from './index.ts';
import type { CgroupLayout } from './index.ts';
import { isOctantError } from '../../lib/errors.ts';

function layoutOrReason(): CgroupLayout | string {
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  try {
    return detectCgroups();
  } catch (error) {
    return `no usable cgroup hierarchy: ${(error as Error).message}`;
  }
}
const layout = layoutOrReason();
const skip = typeof layout === 'string' ? layout : false;
if (skip) console.log(`# skipping cgroup tests: ${skip}`);

test('detect: a v2 mount with only hugetlb is ignored in favour of the v1 hierarchies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-cg-'));
  try {
    writeFileSync(join(dir, 'cgroup.controllers'), 'hugetlb\n');
    const mounts = [
      `cgroup2 ${dir} cgroup2 rw,relatime 0 0`,
      'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
      'cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0',
      'cgroup /sys/fs/cgroup/freezer cgroup rw,relatime,freezer 0 0',
      'cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,relatime,cpu,cpuacct 0 0',
    ].join('\n');
    const found = detectCgroups(mounts);
    assert.equal(found.version, 1);
    assert.deepEqual(found.version === 1 && found.mounts, { memory: '/sys/fs/cgroup/memory', pids: '/sys/fs/cgroup/pids', freezer: '/sys/fs/cgroup/freezer', cpu: '/sys/fs/cgroup/cpu,cpuacct' });
    // Twin: the same v2 mount with memory and pids enabled wins.
    writeFileSync(join(dir, 'cgroup.controllers'), 'cpu io memory pids\n');
    assert.deepEqual(detectCgroups(mounts), { version: 2, root: dir, controllers: ['cpu', 'io', 'memory', 'pids'] });
    // Neither: refused with its own code.
    assert.throws(() => detectCgroups('proc /proc proc rw 0 0'), (e) => isOctantError(e, 'E_SANDBOX_CGROUP'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a name that could walk the tree is refused before anything is created', { skip }, () => {
  for (const bad of ['../escape', 'a/b', '', '.hidden']) {
    assert.throws(() => createCgroup(bad, {}, layout as CgroupLayout), (e) => isOctantError(e, 'E_SANDBOX_CGROUP'), bad);
  }
});

test('limits are written, processes freeze, the whole group dies and is removed', { skip }, async () => {
  const name = `test-${randomBytes(6).toString('hex')}`;
  const group = createCgroup(name, { memoryBytes: 64 << 20, pids: 16, cpu: 0.5, ioBytesPerSec: 1 << 20 }, layout as CgroupLayout);
  try {
    assert.throws(() => createCgroup(name, {}, layout as CgroupLayout), (e) => isOctantError(e, 'E_SANDBOX_CGROUP'), 'a second group with the same name');
    const dir = group.procsFiles[0].replace(/\/cgroup\.procs$/, '');
    if (group.version === 1) {
      const memory = group.procsFiles.find((f) => f.includes('/memory/'))?.replace(/cgroup\.procs$/, '') as string;
      assert.equal(readFileSync(join(memory, 'memory.limit_in_bytes'), 'utf8').trim(), String(64 << 20));
      const pids = group.procsFiles.find((f) => f.includes('/pids/'))?.replace(/cgroup\.procs$/, '') as string;
      assert.equal(readFileSync(join(pids, 'pids.max'), 'utf8').trim(), '16');
    } else {
      assert.equal(readFileSync(join(dir, 'memory.max'), 'utf8').trim(), String(64 << 20));
    }
    // A shell joins the group itself before exec, like the launcher's wrapper,
    // then forks two sleepers.
    const files = group.procsFiles.map((f) => `'${f}'`).join(' ');
    const child = spawn('/bin/sh', ['-c', `for f in ${files}; do echo $$ > "$f"; done; sleep 60 & sleep 60 & wait`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 5000;
    while (group.pids().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(group.pids().length, 3, 'shell and two sleepers are in the group');
    await group.freeze();
    await group.thaw();
    await group.kill();
    assert.deepEqual(group.pids(), []);
    assert.deepEqual(await exited, { code: null, signal: 'SIGKILL' });
  } finally {
    await group.kill();
    group.remove();
  }
  for (const file of group.procsFiles) assert.equal(existsSync(file), false, `${file} removed`);
});

test('join moves one process into every hierarchy; a non-pid or a gone process is refused', { skip }, async () => {
  const group = createCgroup(`test-${randomBytes(6).toString('hex')}`, { pids: 8 }, layout as CgroupLayout);
  const child = spawn('/bin/sleep', ['60'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => group.join(bad), (e) => isOctantError(e, 'E_SANDBOX_CGROUP'), String(bad));
    // A pid no process has (beyond pid_max) is refused by the kernel, naming the file.
    assert.throws(() => group.join(2 ** 22 + 1), (e) => isOctantError(e, 'E_SANDBOX_CGROUP') && e.message.includes('cgroup.procs'));
    assert.deepEqual(group.pids(), []);
    group.join(child.pid as number);
    assert.deepEqual(group.pids(), [child.pid]);
    for (const file of group.procsFiles) assert.ok(readFileSync(file, 'utf8').split('\n').includes(String(child.pid)), file);
  } finally {
    await group.kill();
    await exited;
    group.remove();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { favorDynmods, planDynmods } from './favor-dynmods.ts';

const HYBRID = [
  'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
  'cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0',
  'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0',
].join('\n');

test('plan: remount the cgroup2 mount repeating its mount flags and cgroup2 options, adding favordynmods', () => {
  // MS_REMOUNT 32 | NOSUID 2 | NODEV 4 | NOEXEC 8 | RELATIME 1<<21
  assert.deepEqual(planDynmods(HYBRID), { target: '/sys/fs/cgroup/unified', flags: 32 | 2 | 4 | 8 | (1 << 21), data: 'nsdelegate,favordynmods' });
  assert.deepEqual(planDynmods(HYBRID.replace('nsdelegate', 'nsdelegate,favordynmods')), { already: '/sys/fs/cgroup/unified' });
  assert.equal(planDynmods('cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0'), undefined, 'v1 only: nothing can carry it');
});

test('favorDynmods: remounts once and believes /proc/self/mounts; a refusal or a no-op is reported, not thrown', () => {
  let mounts = HYBRID;
  const calls: unknown[] = [];
  const took = favorDynmods(() => mounts, (target, flags, data) => {
    calls.push([target, flags, data]);
    mounts = mounts.replace('nsdelegate', `nsdelegate,favordynmods`);
  });
  assert.deepEqual(took, { on: true, mount: '/sys/fs/cgroup/unified', how: 'remounted' });
  assert.equal(calls.length, 1);
  assert.deepEqual(favorDynmods(() => mounts, () => assert.fail('already on: no remount')), { on: true, mount: '/sys/fs/cgroup/unified', how: 'already' });
  // The kernel refuses (old kernel, EINVAL): state off with the reason.
  const refused = favorDynmods(() => HYBRID, () => { throw new Error('EINVAL'); });
  assert.equal(refused.on, false);
  assert.match(refused.on ? '' : refused.reason, /EINVAL/);
  // The kernel accepts but ignores it (not the initial cgroup namespace).
  const ignored = favorDynmods(() => HYBRID, () => {});
  assert.equal(ignored.on, false);
  assert.deepEqual(favorDynmods(() => 'proc /proc proc rw 0 0', () => assert.fail('nothing to remount')).on, false);
});

const root = process.getuid?.() === 0 && readFileSync('/proc/self/mounts', 'utf8').includes(' cgroup2 ');
test('on this machine (root, a cgroup2 mount): favordynmods ends up on', { skip: root ? false : 'needs root and a cgroup2 mount' }, () => {
  const state = favorDynmods();
  assert.equal(state.on, true, JSON.stringify(state));
  assert.ok(readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[2] === 'cgroup2' && l.includes('favordynmods')));
});

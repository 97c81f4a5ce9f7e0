// Where an unprivileged process may put its agents' cgroups. The cgroup v2
// tree is stood in for by a directory tree whose cgroup.procs files carry the
// ownership a systemd delegation gives (the logic only reads ownership and
// the controller lists, and writes cgroup.procs); the real kernel path is
// exercised as root by cgroups.test.ts and, rootless on this cgroup v1
// machine, by test/integration/rootless.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupPlacement, delegatedV2 } from './placement.ts';

const root = process.geteuid?.() === 0;
const USER = 298_766;

const V1_MOUNTS = [
  'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0',
  'cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0',
  'cgroup /sys/fs/cgroup/freezer cgroup rw,freezer 0 0',
  'cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0',
].join('\n');

test('cgroup v1 and not root: limits cannot be enforced, and the answer says why and what to do', () => {
  const placement = cgroupPlacement({ euid: USER, mountsText: V1_MOUNTS, selfCgroupText: '', pid: 1 });
  assert.equal(placement.enforced, false);
  assert.ok(!placement.enforced && /cgroup v1/.test(placement.reason) && /cgroup v2/.test(placement.hint));
});

/** A fake v2 tree: mount/user.slice/user-U.slice/user@U.service/app.slice/x.scope, delegated from user@U.service down. */
function tree(options: { controllers?: string; ownOwned?: boolean; rootProcs?: string } = {}): { mount: string; own: string; delegated: string } {
  const mount = mkdtempSync(join(tmpdir(), 'octant-cg2-'));
  const delegated = join(mount, 'user.slice', `user-${USER}.slice`, `user@${USER}.service`);
  const own = join(delegated, 'app.slice', 'x.scope');
  mkdirSync(own, { recursive: true });
  for (const dir of [mount, join(mount, 'user.slice'), join(mount, 'user.slice', `user-${USER}.slice`), delegated, join(delegated, 'app.slice'), own]) {
    writeFileSync(join(dir, 'cgroup.procs'), '');
    writeFileSync(join(dir, 'cgroup.controllers'), options.controllers ?? 'cpu io memory pids');
  }
  writeFileSync(join(own, 'cgroup.procs'), '4242\n');
  if (options.rootProcs !== undefined) writeFileSync(join(delegated, 'cgroup.procs'), options.rootProcs);
  for (const dir of [delegated, join(delegated, 'app.slice'), ...(options.ownOwned === false ? [] : [own])]) chownSync(join(dir, 'cgroup.procs'), USER, USER);
  return { mount, own, delegated };
}

const facts = (selfPath: string) => ({ euid: USER, mountsText: '', selfCgroupText: `0::${selfPath}\n`, pid: 4242 });
const SELF = `/user.slice/user-${USER}.slice/user@${USER}.service/app.slice/x.scope`;
const rootOnly = root ? false : 'needs root to give the stand-in tree another owner';

test('cgroup v2 delegated by systemd: the topmost group the user owns holds the agents, with its controllers', { skip: rootOnly }, () => {
  const t = tree();
  try {
    const placement = delegatedV2(t.mount, facts(SELF));
    assert.ok(placement.enforced);
    assert.deepEqual(placement.layout, { version: 2, root: t.delegated, controllers: ['cpu', 'io', 'memory', 'pids'] });
  } finally {
    rmSync(t.mount, { recursive: true, force: true });
  }
});

test('cgroup v2, our own group not delegated (a login session scope): refused, with the systemd-run hint', { skip: rootOnly }, () => {
  const t = tree({ ownOwned: false });
  try {
    const placement = delegatedV2(t.mount, facts(SELF));
    assert.ok(!placement.enforced && /not delegated to uid/.test(placement.reason) && /systemd-run --user --scope -p Delegate=yes/.test(placement.hint));
  } finally {
    rmSync(t.mount, { recursive: true, force: true });
  }
});

test('cgroup v2 delegated without memory and pids: limits cannot be enforced, naming the controllers', { skip: rootOnly }, () => {
  const t = tree({ controllers: 'cpu' });
  try {
    const placement = delegatedV2(t.mount, facts(SELF));
    assert.ok(!placement.enforced && /no memory, pids controller/.test(placement.reason) && /Delegate=memory pids/.test(placement.hint));
  } finally {
    rmSync(t.mount, { recursive: true, force: true });
  }
});

test('cgroup v2, the delegated root is our own group (a Delegate=yes scope): octant moves itself into a leaf first', { skip: rootOnly }, () => {
  const t = tree({ rootProcs: '4242\n' });
  try {
    // The stand-in files do not move processes as the kernel would: the
    // root still lists a process after the move, so the answer is the refusal
    // naming "other processes", after octant wrote its pid into the leaf.
    const placement = delegatedV2(t.mount, facts(`/user.slice/user-${USER}.slice/user@${USER}.service`));
    assert.equal(readFileSync(join(t.delegated, 'octant-runtime', 'cgroup.procs'), 'utf8'), '4242');
    assert.ok(!placement.enforced && /holds other processes/.test(placement.reason));
  } finally {
    rmSync(t.mount, { recursive: true, force: true });
  }
});

test('no cgroup v2 line for this process: refused, not guessed', () => {
  const placement = delegatedV2('/sys/fs/cgroup', { euid: USER, mountsText: '', selfCgroupText: '1:memory:/\n', pid: 1 });
  assert.ok(!placement.enforced && /no 0:: line/.test(placement.reason));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import { invokingUser, uidRangeUsers } from './agent-users.ts';

function withLocks(fn: (locks: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'octant-uids-'));
  try {
    fn(join(dir, 'uids'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('each running agent holds its own uid, also against a second process on the same lock directory; all share the group', () => {
  withLocks((locks) => {
    const range = { start: 300_000, count: 3, gid: 300_000 };
    const daemon = uidRangeUsers(range, locks);
    const foreground = uidRangeUsers(range, locks); // another octant process, as far as the locks can tell
    const a = daemon.acquire('a');
    const b = foreground.acquire('b');
    const c = daemon.acquire('c');
    assert.deepEqual(new Set([a.uid, b.uid, c.uid]).size, 3);
    for (const user of [a, b, c]) assert.ok(user.uid >= 300_000 && user.uid < 300_003 && user.gid === 300_000);
    assert.match(readFileSync(join(locks, String(a.uid)), 'utf8'), new RegExp(`^${process.pid} \\d+ [0-9a-f-]{36} a\n$`));
    // Exhausted: refused with its own code; twin: a released uid serves the next agent.
    assert.throws(() => foreground.acquire('d'), (e) => isOctantError(e, 'E_LIFECYCLE_NO_UID') && e.message.includes('3 agent uids'));
    daemon.release('a');
    assert.equal(existsSync(join(locks, String(a.uid))), false);
    assert.equal(foreground.acquire('d').uid, a.uid);
    daemon.release('unknown'); // nothing held: nothing happens
  });
});

test('a lock left by a process that is gone, or by a reused pid, is taken over; one held by a live process is not', () => {
  withLocks((locks) => {
    const users = uidRangeUsers({ start: 300_000, count: 4, gid: 300_000 }, locks);
    const first = users.acquire('first'); // creates the directory, holds 300000
    const mine = readFileSync(join(locks, String(first.uid)), 'utf8').split(' ').slice(0, 3);
    const dead = spawnSync('/bin/true').pid!;
    writeFileSync(join(locks, '300001'), `${dead} 1 ${mine[2]} crashed\n`);
    // PID 1 again, but from an earlier boot (octant as init after a reboot).
    writeFileSync(join(locks, '300002'), `1 ${mine[1]} 00000000-0000-0000-0000-000000000000 old-boot\n`);
    // This very pid, but another start time: the pid was reused.
    writeFileSync(join(locks, '300003'), `${process.pid} 1 ${mine[2]} reused\n`);
    assert.deepEqual([users.acquire('b').uid, users.acquire('c').uid, users.acquire('d').uid], [300_001, 300_002, 300_003]);
    assert.match(readFileSync(join(locks, '300001'), 'utf8'), / b\n$/);
    // A live holder keeps its uid (the range is full now).
    assert.throws(() => uidRangeUsers({ start: 300_000, count: 4, gid: 300_000 }, locks).acquire('e'), (e) => isOctantError(e, 'E_LIFECYCLE_NO_UID'));
  });
});

test('a range reaching uid 0 or past the last uid is refused; without root, agents run as the invoking user', () => {
  withLocks((locks) => {
    assert.throws(() => uidRangeUsers({ start: 0, count: 10, gid: 5 }, locks), (e) => isOctantError(e, 'E_CONFIG_AGENT_UIDS'));
    assert.throws(() => uidRangeUsers({ start: 4_294_967_000, count: 1000, gid: 5 }, locks), (e) => isOctantError(e, 'E_CONFIG_AGENT_UIDS'));
    assert.throws(() => uidRangeUsers({ start: 1000, count: 10, gid: 0 }, locks), (e) => isOctantError(e, 'E_CONFIG_AGENT_UIDS'));
  });
  assert.deepEqual(invokingUser().acquire('x'), { uid: process.geteuid?.(), gid: process.getegid?.() });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxPolicy } from '../../kernel/sandbox-policy.ts';
import { governWrapped } from './wrapped-governance.ts';

const policy: SandboxPolicy = {
  id: 'agt_test',
  binds: [{ source: '/srv/data', target: '/srv/data', mode: 'ro' }, { source: '/srv/out', target: '/srv/out', mode: 'rw' }],
  executables: ['/usr/bin/python3'],
  syscalls: [], inet: false, limits: {}, network: [], credentials: [], ttlSeconds: 60, tmpBytes: 1 << 20, isolation: 'namespaces', user: { uid: 200_001, gid: 200_000 },
} as SandboxPolicy;
const command = ['/usr/bin/python3', 'agent.py'];

test('nothing critical: the grants stay as they are', () => {
  const g = governWrapped(policy, [], command);
  assert.deepEqual(g.policy.binds, policy.binds);
  assert.deepEqual([g.scratchMode, g.gateConnections, g.gateLaunch], ['rw', false, false]);
});

test('fs.write (or fs.delete) critical: every grant and the scratch directory become read-only', () => {
  for (const action of ['fs.write', 'fs.delete']) {
    const g = governWrapped(policy, [action], command);
    assert.ok(g.policy.binds.every((b) => b.mode === 'ro'));
    assert.equal(g.policy.binds.length, 2);
    assert.equal(g.scratchMode, 'ro');
  }
});

test('fs.read critical: no granted path is mounted at all', () => {
  assert.deepEqual(governWrapped(policy, ['fs.read'], command).policy.binds, []);
});

test('net.request critical: connections are gated at the proxy', () => {
  assert.equal(governWrapped(policy, ['net.request'], command).gateConnections, true);
});

test('exec critical: the start is gated when the wrapped program is the only one granted', () => {
  assert.equal(governWrapped(policy, ['exec'], command).gateLaunch, true);
});

test('exec critical with other programs granted is refused, naming them (they could run unapproved)', () => {
  const wide = { ...policy, executables: ['/usr/bin/python3', '/usr/bin/curl'] };
  assert.throws(() => governWrapped(wide, ['exec'], command), (e: any) => e.code === 'E_GOVERNANCE_WRAPPED_EXEC' && e.message.includes('/usr/bin/curl'));
});

test('"*" gates every direct route at once', () => {
  const g = governWrapped(policy, ['*'], command);
  assert.deepEqual([g.policy.binds.length, g.scratchMode, g.gateConnections, g.gateLaunch], [0, 'ro', true, true]);
});

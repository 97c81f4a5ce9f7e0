import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACES, runChecks, type DoctorProbes } from './checks.ts';
import { systemProbes } from './probes.ts';

/** Probes of a machine that has everything (each test breaks one thing). */
function healthy(overrides: Partial<DoctorProbes> = {}): DoctorProbes {
  return {
    namespace: (kind) => ({ ok: true, detail: `made a ${kind} namespace` }),
    seccomp: () => ({ ok: true, detail: 'Seccomp field 0' }),
    cgroups: () => ({ v1: ['memory', 'pids', 'cpu', 'freezer'], v2: ['hugetlb'], v2Mount: '/sys/fs/cgroup/unified' }),
    limits: () => ({ ok: true, detail: "this user's agents get cgroups: cgroup v1" }),
    tool: (name) => ({ ok: true, detail: `${name} 1.0` }),
    landlockAbi: () => 4,
    ffi: () => ({ ok: true, detail: 'libc reachable' }),
    ...overrides,
  };
}

const byName = (report: ReturnType<typeof runChecks>, name: string) => report.checks.find((c) => c.name === name)!;

test('a machine with everything passes, and every check has a name, status and detail', () => {
  const report = runChecks(healthy());
  assert.equal(report.ok, true);
  assert.deepEqual(report.checks.map((c) => c.name), [...NAMESPACES.map((k) => `namespace.${k}`), 'seccomp', 'cgroups', 'limits', 'bubblewrap', 'runsc', 'landlock', 'node-ffi']);
  for (const c of report.checks) {
    assert.equal(c.status, 'ok');
    assert.equal(c.hint, undefined);
    assert.ok(c.detail.length > 0);
  }
  assert.match(byName(report, 'cgroups').detail, /v1: cpu freezer memory pids; v2 at \/sys\/fs\/cgroup\/unified: hugetlb/);
});

test('each required feature missing fails the report, with a hint', () => {
  const broken: Array<[string, Partial<DoctorProbes>]> = [
    ['namespace.net', { namespace: (kind) => ({ ok: kind !== 'net', detail: kind }) }],
    ['namespace.user', { namespace: (kind) => ({ ok: kind !== 'user', detail: kind }) }],
    ['seccomp', { seccomp: () => ({ ok: false, detail: 'no Seccomp field' }) }],
    ['cgroups', { cgroups: () => ({ v1: ['cpu'], v2: ['memory'], v2Mount: '/sys/fs/cgroup' }) }],
    ['bubblewrap', { tool: (name) => ({ ok: name !== 'bwrap', detail: name }) }],
    ['node-ffi', { ffi: () => ({ ok: false, detail: 'no node:ffi' }) }],
    ['seccomp', { seccomp: () => { throw new Error('cannot read /proc/self/status'); } }],
  ];
  for (const [name, override] of broken) {
    const report = runChecks(healthy(override));
    assert.equal(report.ok, false, name);
    const c = byName(report, name);
    assert.equal(c.status, 'missing', name);
    assert.equal(c.required, true);
    assert.ok((c.hint ?? '').length > 0, `${name} has a hint`);
    assert.deepEqual(report.checks.filter((x) => x.status !== 'ok').map((x) => x.name), [name]);
  }
  assert.match(byName(runChecks(healthy(broken[3][1])), 'cgroups').detail, /\(no pids\)/);
});

test('cgroup controllers may come from v1 or v2', () => {
  assert.equal(runChecks(healthy({ cgroups: () => ({ v1: [], v2: ['cpu', 'memory', 'pids', 'io'], v2Mount: '/sys/fs/cgroup' }) })).ok, true);
  assert.equal(runChecks(healthy({ cgroups: () => ({ v1: ['memory'], v2: ['cpu', 'pids'], v2Mount: '/sys/fs/cgroup' }) })).ok, true);
  const none = byName(runChecks(healthy({ cgroups: () => ({ v1: [], v2: [], v2Mount: undefined }) })), 'cgroups');
  assert.equal(none.status, 'missing');
  assert.match(none.detail, /v1: none; v2: not mounted \(no memory, pids, cpu\)/);
});

test('runsc is optional: missing, it does not fail the report', () => {
  const report = runChecks(healthy({ tool: (name) => ({ ok: name !== 'runsc', detail: name }) }));
  assert.equal(report.ok, true);
  assert.equal(byName(report, 'runsc').status, 'optional-missing');
});

test('Landlock is required (agents do not start without it): missing, the report fails with a hint; twin: any ABI passes', () => {
  for (const abi of [-38, -95, -1]) {
    const report = runChecks(healthy({ landlockAbi: () => abi }));
    assert.equal(report.ok, false);
    assert.equal(byName(report, 'landlock').status, 'missing');
    assert.match(byName(report, 'landlock').hint!, /lsm=/);
  }
  assert.match(byName(runChecks(healthy({ landlockAbi: () => -38 })), 'landlock').detail, /ENOSYS/);
  assert.equal(runChecks(healthy({ landlockAbi: () => 1 })).ok, true);
});

test('the real probes on this machine give a well-formed report', () => {
  const report = runChecks(systemProbes);
  for (const c of report.checks) {
    assert.ok(['ok', 'missing', 'optional-missing'].includes(c.status), `${c.name}: ${c.status}`);
    assert.equal(c.status === 'ok', c.hint === undefined);
  }
  // This machine has these, whatever else it lacks.
  assert.equal(byName(report, 'node-ffi').status, 'ok');
  assert.equal(byName(report, 'seccomp').status, 'ok');
});

test('limits that cannot be enforced for this user are reported, not required: the machine stays usable with acceptance', () => {
  const report = runChecks(healthy({ limits: () => ({ ok: false, detail: 'cannot be enforced for this user: this machine uses cgroup v1' }) }));
  assert.equal(report.ok, true);
  const limits = byName(report, 'limits');
  assert.equal(limits.status, 'optional-missing');
  assert.match(limits.hint ?? '', /--accept-unenforced-limits/);
  assert.match(limits.hint ?? '', /Delegate=yes/);
});

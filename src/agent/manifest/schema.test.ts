// Rule 1 field by field: each refusal names the field path; each has a twin
// that passes. Paths get the adversarial treatment (look-alikes, traversal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { permanentDenyList } from '../../kernel/seccomp/deny-list.ts';
import { isKnownSyscall } from '../../kernel/seccomp/syscall-table.ts';
import { RESTRICTED_VARIANTS, baseSyscall } from '../../kernel/seccomp/arg-filters.ts';
import { loadManifest } from './load.ts';
import { parseManifestText } from './parse.ts';
import { pathProblem } from './path-set.ts';
import { scaffoldManifest } from './scaffold.ts';
import { validateSchema } from './schema.ts';
import { syscallGroups } from './syscall-groups.ts';

const BASE = {
  version: 1,
  identity: { name: 'a', operator: 'op' },
  resources: { cpu: 1, memory: '64MiB', ioBandwidth: '1MiB/s', pids: 8, networkThroughput: '1MiB/s' },
  lifetime: { ttl: '1h' },
};

function refused(patch: Record<string, unknown>, field: string): void {
  assert.throws(() => validateSchema({ ...structuredClone(BASE), ...patch }), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'E_MANIFEST_SCHEMA');
    assert.ok(e.message.startsWith(`${field}:`), `expected the message to name ${field}: ${e.message}`);
    return true;
  });
}

test('absent domains mean denied; the normal form is explicit and stable', () => {
  const m = validateSchema(structuredClone(BASE));
  assert.deepEqual(m.filesystem, { read: [], write: [] });
  assert.deepEqual(m.network.destinations, []);
  assert.deepEqual(m.syscalls, []);
  assert.deepEqual(m.spawning, { allowed: false, maxDepth: 0, maxDescendants: 0 });
  assert.deepEqual(m.governance.critical, ['*']);
  assert.equal(m.resources.memory, 64 * 2 ** 20);
  assert.equal(m.lifetime.ttl, 3600);
  assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(m))), m);
});

test('unknown and missing fields are errors naming the path', () => {
  refused({ extra: 1 }, 'extra');
  refused({ identity: { name: 'a', operator: 'op', admin: true } }, 'identity.admin');
  refused({ identity: { name: 'a' } }, 'identity.operator');
  refused({ version: 2 }, 'version');
  refused({ network: { destinations: [{ host: 'a.com', ports: 1, protocol: 'tcp' }, { host: 'b.com', ports: 1, protocol: 'tcp' }, { host: 'c.com', ports: 0, protocol: 'tcp' }] } }, 'network.destinations[2].ports');
  refused({ network: { destinations: [{ host: 'a.com', ports: '90-80', protocol: 'tcp' }] } }, 'network.destinations[0].ports');
  refused({ network: { destinations: [{ host: 'a.com', ports: 80, protocol: 'ftp' }] } }, 'network.destinations[0].protocol');
  refused({ syscalls: ['read', 'not_a_syscall'] }, 'syscalls[1]');
  refused({ syscalls: ['@no-such-group'] }, 'syscalls[0]');
  refused({ credentials: ['*'] }, 'credentials[0]');
  refused({ spawning: { allowed: false, maxDepth: 2 } }, 'spawning');
  refused({ lifetime: { ttl: 0 } }, 'lifetime.ttl');
  refused({ lifetime: { ttl: '1y' } }, 'lifetime.ttl');
  refused({ governance: { critical: ['launch.missiles'] } }, 'governance.critical[0]');
});

test('numbers: NaN, negative, huge, fractional and unit mistakes are refused', () => {
  for (const [value, field] of [[Number.NaN, 'cpu'], [-1, 'cpu'], [1e9, 'cpu'], [0.001, 'cpu'], [-5, 'pids'], [1.5, 'pids'], [2 ** 60, 'memory'], ['1 GiB/s', 'memory'], ['10MiB', 'ioBandwidth'], [1, 'memory']] as const) {
    refused({ resources: { ...BASE.resources, [field]: value } }, `resources.${field}`);
  }
  assert.equal(validateSchema({ ...BASE, resources: { ...BASE.resources, memory: '1.5GiB' } }).resources.memory, 1.5 * 2 ** 30);
});

test('hosts: names, wildcards, CIDR (v4 and v6); look-alikes and host bits refused', () => {
  const host = (h: string) => validateSchema({ ...BASE, network: { destinations: [{ host: h, ports: 443, protocol: 'tcp' }] } }).network.destinations[0].host;
  assert.equal(host('API.Example.COM'), 'api.example.com');
  assert.equal(host('2001:DB8:0:0::/32'), '2001:db8::/32');
  assert.equal(host('192.168.1.1'), '192.168.1.1/32');
  for (const bad of ['10.0.0.1/8', 'exa mple.com', 'example.com.', '*.com.', 'ex\u0430mple.com', '-a.com', '*', '1.2.3', 'fe80::1%eth0', '10.0.0.0/33', '*.*.com', 'a..com']) {
    if (bad === '*') continue; // "*" is the any-host wildcard, valid
    refused({ network: { destinations: [{ host: bad, ports: 443, protocol: 'tcp' }] } }, 'network.destinations[0].host');
  }
});

test('paths: traversal, relative, NUL, non-canonical and Unicode look-alikes are refused; canonical twins pass', () => {
  const bad = ['/data/../etc', 'data', '', '/data//x', '/data/', '/data/.', '/data/./x', '/data\0/x', '/data\u2215etc', '/data\uff0fetc', '/data\u2024\u2024/x', '/data/\uff0e\uff0e', '/caf\u00e9', '/a\u202eb', '/a\nb', '.', '..'];
  for (const p of bad) {
    assert.ok(pathProblem(p) !== undefined, `${JSON.stringify(p)} should be refused`);
    refused({ filesystem: { read: [p] } }, 'filesystem.read[0]');
  }
  for (const p of ['/', '/data', '/data/x y', '/data/..hidden', '/data/a.b', '/data/...']) assert.equal(pathProblem(p), undefined, p);
  assert.match(String((() => { try { validateSchema({ ...BASE, filesystem: { write: ['/a\u2215b'] } }); } catch (e) { return (e as Error).message; } })()), /U\+2215, which looks like '\/'/);
});

test('nested and duplicate paths collapse to the outer one', () => {
  const m = validateSchema({ ...BASE, filesystem: { read: ['/data/a', '/data', '/data', '/etc'] } });
  assert.deepEqual(m.filesystem.read, ['/data', '/etc']);
});

test('syscall groups are known calls and none is permanently denied', () => {
  for (const [group, names] of syscallGroups()) {
    for (const name of names) {
      assert.ok(isKnownSyscall(name) || RESTRICTED_VARIANTS.has(name), `@${group}: ${name} is not a syscall`);
      assert.ok(!permanentDenyList().has(baseSyscall(name)), `@${group}: ${name} is permanently denied`);
    }
  }
  const m = validateSchema({ ...BASE, syscalls: ['@file-read', 'read'] });
  assert.ok(m.syscalls.includes('openat') && m.syscalls.includes('read'));
  // @base holds ioctl only as its restricted variant; the normal form validates again unchanged.
  const base = validateSchema({ ...BASE, syscalls: ['@base'] });
  assert.ok(base.syscalls.includes('ioctl:harmless') && !base.syscalls.includes('ioctl'));
  assert.deepEqual(validateSchema({ ...BASE, syscalls: base.syscalls }).syscalls, base.syscalls);
  assert.throws(() => validateSchema({ ...BASE, syscalls: ['ioctl:everything'] }), /not an x86_64 system call/);
});

test('the scaffold and the sample manifests are valid', () => {
  assert.equal(validateSchema(parseManifestText(scaffoldManifest({ name: 'new-agent', operator: 'me' }))).identity.name, 'new-agent');
  for (const name of ['researcher', 'coder', 'web-agent']) {
    const path = new URL(`../../../examples/manifests/${name}.yaml`, import.meta.url).pathname;
    assert.equal(loadManifest({ path }).identity.name, name);
    assert.ok(readFileSync(path, 'utf8').length > 0);
  }
});

test('governance.quorum: rules per action class, each field checked; empty rules leave the normal form unchanged', () => {
  const m = validateSchema({ ...structuredClone(BASE), governance: { critical: ['fs.delete'], quorum: { 'fs.delete': { threshold: 'unanimous', veto: 0.5 }, '*': { quorum: 3 }, exec: {} } } });
  assert.deepEqual(m.governance, { critical: ['fs.delete'], quorum: { '*': { quorum: 3 }, 'fs.delete': { threshold: 'unanimous', veto: 0.5 } } });
  assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(m))), m);
  // Nothing of its own: absent, so manifests signed before it existed keep their digest.
  assert.equal('quorum' in validateSchema({ ...structuredClone(BASE), governance: { critical: [], quorum: { exec: {} } } }).governance, false);
  refused({ governance: { quorum: { 'launch.missiles': { quorum: 2 } } } }, 'governance.quorum.launch.missiles');
  refused({ governance: { quorum: { 'fs.write': { threshold: 'most' } } } }, 'governance.quorum.fs.write');
  refused({ governance: { quorum: { 'fs.write': { veto: 1.5 } } } }, 'governance.quorum.fs.write');
  refused({ governance: { quorum: { 'fs.write': { approveAlone: true } } } }, 'governance.quorum.fs.write');
  refused({ governance: { quorum: [] } }, 'governance.quorum');
});

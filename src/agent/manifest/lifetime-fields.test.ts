// lifetime.children and retain: schema (each refusal names its field, each
// has a passing twin), normal form (defaults left out, so older signed
// manifests keep their digest), explain, diff and compile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileToPolicy } from './compile.ts';
import { diffManifests, formatChanges } from './diff.ts';
import { explain } from './explain.ts';
import { manifestDigest } from './sign.ts';
import { validateSchema, type Manifest } from './schema.ts';

const AGENT = { uid: 200_001, gid: 200_000 };

const BASE = {
  version: 1,
  identity: { name: 'a', operator: 'op' },
  resources: { cpu: 1, memory: '64MiB', ioBandwidth: '1MiB/s', pids: 8, networkThroughput: '1MiB/s' },
  lifetime: { ttl: '1h' },
};

function withFields(lifetime: Record<string, unknown> = {}, rest: Record<string, unknown> = {}): Manifest {
  return validateSchema({ ...structuredClone(BASE), lifetime: { ...BASE.lifetime, ...lifetime }, ...rest });
}

function refused(lifetime: Record<string, unknown>, rest: Record<string, unknown>, field: string, why?: RegExp): void {
  assert.throws(() => withFields(lifetime, rest), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'E_MANIFEST_SCHEMA');
    assert.ok(e.message.startsWith(`${field}:`), `expected the message to name ${field}: ${e.message}`);
    if (why !== undefined) assert.match(e.message, why);
    return true;
  });
}

test('defaults (terminate, nothing retained) stay out of the normal form; the digest is unchanged', () => {
  const plain = withFields();
  assert.equal(plain.lifetime.children, undefined);
  assert.equal(plain.retain, undefined);
  const explicit = withFields({ children: 'terminate' }, { retain: [] });
  assert.deepEqual(explicit, plain);
  assert.equal(manifestDigest(explicit), manifestDigest(plain));
  assert.deepEqual(withFields({ children: { policy: 'terminate' } }), plain);
});

test('children: adopt, terminate, or wind-down with a grace; the normal form is a mapping', () => {
  assert.deepEqual(withFields({ children: 'adopt' }).lifetime.children, { policy: 'adopt' });
  assert.deepEqual(withFields({ children: { policy: 'adopt' } }).lifetime.children, { policy: 'adopt' });
  const wind = withFields({ children: { policy: 'wind-down', graceSeconds: '2m' } });
  assert.deepEqual(wind.lifetime.children, { policy: 'wind-down', graceSeconds: 120 });
  assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(wind))), wind);
  assert.deepEqual(withFields({ children: { policy: 'wind-down', graceSeconds: 86400 } }).lifetime.children, { policy: 'wind-down', graceSeconds: 86400 });
});

test('children: bad values are refused naming the field', () => {
  refused({ children: 'orphan' }, {}, 'lifetime.children', /expected one of terminate, wind-down, adopt/);
  refused({ children: { policy: 'kill' } }, {}, 'lifetime.children.policy');
  refused({ children: 'wind-down' }, {}, 'lifetime.children.graceSeconds', /needs graceSeconds/);
  refused({ children: { policy: 'wind-down' } }, {}, 'lifetime.children.graceSeconds');
  refused({ children: { policy: 'adopt', graceSeconds: 5 } }, {}, 'lifetime.children.graceSeconds', /only the wind-down/);
  refused({ children: { policy: 'wind-down', graceSeconds: 86401 } }, {}, 'lifetime.children.graceSeconds', /at most 86400/);
  refused({ children: { policy: 'wind-down', graceSeconds: 'unlimited' } }, {}, 'lifetime.children.graceSeconds');
  refused({ children: { policy: 'wind-down', graceSeconds: 0 } }, {}, 'lifetime.children.graceSeconds');
  refused({ children: { policy: 'wind-down', graceSeconds: 1.5 } }, {}, 'lifetime.children.graceSeconds');
  refused({ children: { policy: 'adopt', extra: 1 } }, {}, 'lifetime.children.extra', /unknown field/);
  refused({ children: ['adopt'] }, {}, 'lifetime.children', /expected a mapping/);
});

test('retain: canonical relative paths, sorted, inner entries folded into outer ones', () => {
  assert.deepEqual(withFields({}, { retain: ['out/report.md', 'logs', 'out', 'logs/today'] }).retain, ['logs', 'out']);
  assert.deepEqual(withFields({}, { retain: ['a.b/c-d_e', '.hidden/x'] }).retain, ['.hidden/x', 'a.b/c-d_e']);
});

test('retain: absolute, traversal, dot, empty segments, trailing slash and non-ASCII are refused', () => {
  const bad: Array<[string, RegExp]> = [
    ['/etc/passwd', /is absolute/],
    ['../escape', /"\.\." segment/],
    ['out/../../etc', /"\.\." segment/],
    ['..', /"\.\." segment/],
    ['.', /"\." segment/],
    ['out/./x', /"\." segment/],
    ['out//x', /empty segment/],
    ['out/', /ends with \//],
    ['out\u2215x', /looks like '\/'/],
    ['r\u00e9sum\u00e9', /non-ASCII/],
    ['out\nx', /control character/],
    ['a\0b', /NUL/],
  ];
  for (const [path, why] of bad) refused({}, { retain: [path] }, 'retain[0]', why);
  refused({}, { retain: [''] }, 'retain[0]', /must not be empty/);
  refused({}, { retain: 'out' }, 'retain', /expected a list/);
  refused({}, { retain: ['ok', 7] }, 'retain[1]', /expected a string/);
});

test('explain says what happens to children and what is kept', () => {
  const plain = explain(withFields());
  assert.doesNotMatch(plain, /child agents are/); // it cannot spawn, and nothing was said
  assert.match(explain(withFields({}, { spawning: { allowed: true, maxDepth: 1, maxDescendants: 1 } })), /child agents are terminated with it/);
  assert.match(plain, /keep any file of its scratch directory/);
  assert.match(plain, /act as the host's root: it runs as its own unprivileged uid/);
  const full = explain(withFields({ children: { policy: 'wind-down', graceSeconds: 90 } }, { retain: ['out', 'logs/run.txt'] }));
  assert.match(full, /1m30s to finish/);
  assert.match(full, /keep, after it ends, from its scratch directory: logs\/run\.txt, out/);
  assert.match(explain(withFields({ children: 'adopt' })), /adopted by the system/);
});

test('diff shows the children policy and retained paths against their defaults', () => {
  const a = withFields();
  const b = withFields({ children: { policy: 'wind-down', graceSeconds: 30 } }, { retain: ['out'] });
  const text = formatChanges(diffManifests(a, b));
  assert.match(text, /~ lifetime\.children\.policy: terminate -> wind-down/);
  assert.match(text, /\+ lifetime\.children\.graceSeconds: 30/);
  assert.match(text, /\+ retain: out/);
  assert.deepEqual(diffManifests(a, withFields({ children: 'terminate' }, { retain: [] })), []);
  assert.match(formatChanges(diffManifests(b, withFields({ children: 'adopt' }))), /- lifetime\.children\.graceSeconds: 30/);
});

test('compile: children and retain are lifecycle facts, not kernel policy; the sandbox policy does not change', () => {
  const a = withFields();
  const b = withFields({ children: 'adopt' }, { retain: ['out'] });
  assert.deepEqual(compileToPolicy(b, 'x', AGENT), compileToPolicy(a, 'x', AGENT));
});

test('explain says how a wrapped program is gated for what governance.critical lists', () => {
  const all = explain(withFields({}, { governance: { critical: ['*'] } }));
  assert.match(all, /none of its granted paths is mounted/);
  assert.match(all, /each connection it opens waits for an approval/);
  assert.match(all, /its start waits for an approval/);
  const writes = explain(withFields({}, { governance: { critical: ['fs.write'] } }));
  assert.match(writes, /read-only; it writes only through the gated gateway tools/);
  assert.doesNotMatch(writes, /connection it opens/);
  assert.doesNotMatch(explain(withFields({}, { governance: { critical: [] } })), /as a wrapped program/);
});

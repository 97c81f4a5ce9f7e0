// The production ManifestPort hands the lifecycle the children policy and the
// retained paths of the effective manifest (intersected with the parent's for
// a child), and a spawn through it passes rule 5 when the budget allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { loadManifest, signManifest, trustFromKeys, type Manifest } from '../manifest/index.ts';
import { memoryLedger, type MemoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { manifestPort } from './manifest-port.ts';
import { hostProtection } from '../manifest/dangerous-grants.ts';
import { rootLayout } from '../../runtime/paths.ts';
import { TEST_AGENT } from '../../../test/support/agent-user.ts';

const operator = generateKeyPairSync('ed25519');
const coder = loadManifest({ path: new URL('../../../examples/manifests/coder.yaml', import.meta.url).pathname });
const BIG = { cpu: 64, memory: 2 ** 40, ioBandwidth: 2 ** 40, pids: 1e6, networkThroughput: 2 ** 40 };

function port(ledger: MemoryLedger = memoryLedger(), gvisorRoles: string[] = []) {
  return manifestPort({
    gvisorRoles,
    trust: trustFromKeys([{ publicKey: operator.publicKey }]),
    capacity: BIG,
    live: () => ({ names: [], reservations: [] }),
    host: hostProtection(rootLayout('/srv/octant-test-root'), []),
    onReject: ledger.append,
  });
}

function signed(name: string, patch: Partial<Manifest> = {}, lifetime: Partial<Manifest['lifetime']> = {}): unknown {
  const m: Manifest = { ...structuredClone(coder), identity: { name, operator: 'op' }, ...patch };
  m.lifetime = { ...m.lifetime, ...lifetime };
  return JSON.parse(JSON.stringify(signManifest(m, operator.privateKey)));
}

test('defaults: children are terminated, nothing is retained', async () => {
  const v = await port().validate(signed('root'));
  assert.deepEqual(v.children, { policy: 'terminate', graceSeconds: 0 });
  assert.deepEqual(v.retain, []);
});

test("the manifest's children policy and retain paths reach the lifecycle", async () => {
  const p = port();
  const wind = await p.validate(signed('w', { retain: ['logs', 'out/report.md'] }, { children: { policy: 'wind-down', graceSeconds: 45 } }));
  assert.deepEqual(wind.children, { policy: 'wind-down', graceSeconds: 45 });
  assert.deepEqual(wind.retain, ['logs', 'out/report.md']);
  assert.deepEqual((await p.validate(signed('a', {}, { children: { policy: 'adopt' } }))).children, { policy: 'adopt', graceSeconds: 0 });
});

test("a child gets the stricter children policy and only the retain paths inside its parent's", async () => {
  const p = port();
  const parent = await p.validate(signed('parent', { retain: ['out'], spawning: { allowed: true, maxDepth: 2, maxDescendants: 4 } }, { children: { policy: 'wind-down', graceSeconds: 30 } }));
  const child = await p.validate(signed('child', { retain: ['out/a', 'secrets'], spawning: { allowed: true, maxDepth: 1, maxDescendants: 1 } }, { children: { policy: 'adopt' } }), parent);
  assert.deepEqual(child.children, { policy: 'wind-down', graceSeconds: 30 });
  assert.deepEqual(child.retain, ['out/a']);
  // Positive and negative twin: a stricter child keeps its own policy.
  const strict = await p.validate(signed('strict', { spawning: { allowed: false, maxDepth: 0, maxDescendants: 0 } }), parent);
  assert.deepEqual(strict.children, { policy: 'terminate', graceSeconds: 0 });
  assert.deepEqual(strict.retain, []);
});

test('rule 5 still refuses a child whose spawn depth does not fit below the parent, and records it', async () => {
  const ledger = memoryLedger();
  const events = ledger.entries;
  const p = port(ledger);
  const parent = await p.validate(signed('parent', { spawning: { allowed: true, maxDepth: 1, maxDescendants: 4 } }));
  await assert.rejects(p.validate(signed('deep', { spawning: { allowed: true, maxDepth: 1, maxDescendants: 1 } }), parent), { code: 'E_MANIFEST_SPAWN_BUDGET' });
  assert.equal(events.length, 1);
  assert.equal(events[0].detail.code, 'E_MANIFEST_SPAWN_BUDGET');
});

test('the tier reaches the lifecycle and the policy: raised by the operator or the role policy, and inherited by a child (whose own manifest says nothing)', async () => {
  const spawner = { spawning: { allowed: true, maxDepth: 1, maxDescendants: 2 } };
  const plain = await port().validate(signed('p', spawner));
  assert.equal(plain.isolation, 'namespaces');
  assert.equal(port().compile(plain, 'aid', TEST_AGENT).isolation, 'namespaces');
  const asked = await port().validate(signed('p', spawner), undefined, { isolation: 'gvisor' });
  assert.equal(port().compile(asked, 'aid', TEST_AGENT).isolation, 'gvisor');
  const roled = { ...structuredClone(coder), identity: { name: 'r', role: 'coder', operator: 'op' } };
  const byPolicy = await port(memoryLedger(), ['coder']).validate(JSON.parse(JSON.stringify(signManifest(roled, operator.privateKey))));
  assert.equal(byPolicy.isolation, 'gvisor');
  const leaf = { spawning: { allowed: false, maxDepth: 0, maxDescendants: 0 } };
  const child = await port().validate(signed('c', leaf), asked);
  assert.equal(child.isolation, 'gvisor', 'a child of a gvisor parent runs under gvisor');
  assert.equal(port().compile(child, 'aid', TEST_AGENT).isolation, 'gvisor');
  const ledger = memoryLedger();
  const events = ledger.entries;
  await assert.rejects(port(ledger).validate(signed('c2', leaf), asked, { isolation: 'namespaces' }), /parent runs under gvisor/);
  assert.equal(events[0]?.detail.code, 'E_MANIFEST_ISOLATION');
});

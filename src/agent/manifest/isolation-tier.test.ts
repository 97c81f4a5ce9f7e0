// The isolation tier: the manifest field, intersection (never weaker than the
// parent), the system policy and the operator's request (rule 11), and what
// it compiles to. Runs under real runsc: test/integration/isolation-tier.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { isOctantError } from '../../lib/errors.ts';
import { rootLayout } from '../../runtime/paths.ts';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { ceilingOf, firstExcess } from './ceiling.ts';
import { compileToPolicy } from './compile.ts';
import { hostProtection } from './dangerous-grants.ts';
import { explain } from './explain.ts';
import { intersect } from './intersect.ts';
import { settleIsolation } from './isolation-tier.ts';
import { loadManifest } from './load.ts';
import { loadRoles } from './roles.ts';
import { validateSchema, type Manifest } from './schema.ts';
import { manifestDigest, signManifest } from './sign.ts';
import { trustFromKeys } from './trust.ts';
import { validateManifest } from './validate.ts';
import { TEST_AGENT } from '../../../test/support/agent-user.ts';

const coder = loadManifest({ path: new URL('../../../examples/manifests/coder.yaml', import.meta.url).pathname });
const gvisor: Manifest = { ...structuredClone(coder), isolation: 'gvisor' };

test('the field: gvisor is kept, namespaces (the default) is left out of the normal form so old signatures hold; anything else is a schema error', () => {
  const { isolation: _none, ...plain } = coder;
  assert.equal(validateSchema({ ...plain, isolation: 'gvisor' }).isolation, 'gvisor');
  const explicit = validateSchema({ ...plain, isolation: 'namespaces' });
  assert.equal('isolation' in explicit, false);
  assert.equal(manifestDigest(explicit), manifestDigest(coder), 'writing the default changes no digest');
  assert.throws(() => validateSchema({ ...plain, isolation: 'firecracker' }), (e) => isOctantError(e, 'E_MANIFEST_SCHEMA') && /isolation/.test(e.message));
  assert.equal(compileToPolicy(coder, 'x', TEST_AGENT).isolation, 'namespaces');
  assert.equal(compileToPolicy(gvisor, 'x', TEST_AGENT).isolation, 'gvisor');
});

test('intersection: the stronger tier, whichever side asks; a child weaker than a gvisor parent exceeds it (strict rule 4); twin: equal tiers', () => {
  const child = { ...structuredClone(coder), identity: { name: 'child', operator: 'op' } };
  assert.equal(intersect(gvisor, child).isolation, 'gvisor');
  assert.equal(intersect(coder, { ...child, isolation: 'gvisor' }).isolation, 'gvisor');
  assert.equal('isolation' in intersect(coder, child), false);
  assert.deepEqual(firstExcess(child, ceilingOf(gvisor), false), { field: 'isolation', asked: 'namespaces', allowed: 'gvisor only' });
  assert.equal(firstExcess({ ...child, isolation: 'gvisor' }, ceilingOf(gvisor), false), undefined);
  assert.equal(firstExcess(child, ceilingOf(coder), false), undefined);
});

test('rule 11: policy and operator raise the tier; asking for namespaces where gvisor is required is refused, saying why; twin: no requirement', () => {
  assert.equal(settleIsolation(coder, coder, { gvisorRoles: ['coder'] }).isolation, 'gvisor', 'policy by role');
  assert.equal(settleIsolation(coder, coder, { gvisorRoles: ['*'] }).isolation, 'gvisor', 'policy for all');
  assert.equal(settleIsolation(coder, coder, { asked: 'gvisor' }).isolation, 'gvisor', 'operator');
  assert.equal(settleIsolation(coder, coder, { gvisorRoles: ['web'], asked: 'namespaces' }), coder, 'other roles are not affected');
  const why = (policy: Parameters<typeof settleIsolation>[2], m: Manifest, pattern: RegExp): void => {
    assert.throws(() => settleIsolation(m, m, policy), (e) => isOctantError(e, 'E_MANIFEST_ISOLATION') && pattern.test(e.message) && e.exit === 4);
  };
  why({ gvisorRoles: ['coder'], asked: 'namespaces' }, coder, /system policy .* role coder/);
  why({ gvisorRoles: ['*'], asked: 'namespaces' }, { ...coder, identity: { name: 'x', operator: 'o' } }, /every agent/);
  why({ asked: 'namespaces' }, gvisor, /the manifest says isolation: gvisor/);
  // A child whose parent runs under gvisor: intersection already raised it.
  assert.throws(() => settleIsolation({ ...coder, isolation: 'gvisor' }, coder, { asked: 'namespaces' }), /parent runs under gvisor/);
});

test('validateManifest: the refusal is recorded as rule 11 first; the effective manifest carries the settled tier', async () => {
  const operator = generateKeyPairSync('ed25519');
  const ledger = memoryLedger();
  const events = ledger.entries;
  const ctx = {
    trust: trustFromKeys([{ publicKey: operator.publicKey }]), roles: loadRoles(), reservations: [], liveIdentities: [],
    capacity: { cpu: 64, memory: 2 ** 40, ioBandwidth: 2 ** 40, pids: 1e6, networkThroughput: 2 ** 40 },
    host: hostProtection(rootLayout('/var/tmp/octant-tier-test')), onReject: ledger.append,
  };
  const signed = signManifest(coder, operator.privateKey);
  await assert.rejects(validateManifest(signed, { ...ctx, isolation: { gvisorRoles: ['coder'], asked: 'namespaces' } }), (e) => isOctantError(e, 'E_MANIFEST_ISOLATION'));
  assert.deepEqual([events.length, events[0].detail.code, events[0].detail.rule], [1, 'E_MANIFEST_ISOLATION', 11]);
  assert.equal((await validateManifest(signed, { ...ctx, isolation: { gvisorRoles: ['coder'] } })).isolation, 'gvisor');
  assert.equal((await validateManifest(signed, ctx)).isolation, undefined);
});

test('explain names the tier', () => {
  assert.match(explain(coder), /namespaces tier/);
  assert.match(explain(gvisor), /gVisor tier/);
});

// The validation rules 1-9 (10 and 11: dangerous-grants.test.ts, isolation-tier.test.ts): each rejection with its own code, recorded
// through onReject before the error surfaces, each with a passing twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { LedgerEntry } from '../../services/ledger/api.ts';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { signApproval } from './approval.ts';
import { loadManifest } from './load.ts';
import { loadRoles } from './roles.ts';
import type { Manifest } from './schema.ts';
import { signManifest, type SignedManifest } from './sign.ts';
import { trustFromKeys } from './trust.ts';
import { validateManifest, type ValidationContext } from './validate.ts';
import { hostProtection } from './dangerous-grants.ts';
import { rootLayout } from '../../runtime/paths.ts';

const operator = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const revoked = generateKeyPairSync('ed25519');
const trust = trustFromKeys([{ publicKey: operator.publicKey }, { publicKey: revoked.publicKey, revoked: true }]);
const roles = loadRoles();
const BIG = { cpu: 64, memory: 2 ** 40, ioBandwidth: 2 ** 40, pids: 1e6, networkThroughput: 2 ** 40 };

const host = hostProtection(rootLayout('/var/tmp/octant-validate-test'), ['/opt/octant-test-bin']);
const coder = loadManifest({ path: new URL('../../../examples/manifests/coder.yaml', import.meta.url).pathname });

function variant(patch: Partial<Manifest>, base: Manifest = coder): Manifest {
  return { ...structuredClone(base), ...patch };
}

function context(extra: Partial<ValidationContext> = {}): ValidationContext & { events: LedgerEntry[] } {
  const ledger = memoryLedger();
  return { trust, roles, capacity: BIG, reservations: [], liveIdentities: [], host, onReject: ledger.append, events: ledger.entries, ...extra };
}

async function rejects(input: unknown, ctx: ReturnType<typeof context>, code: string, rule: number): Promise<void> {
  await assert.rejects(validateManifest(input, ctx), (error: { code: string }) => error.code === code);
  assert.equal(ctx.events.length, 1, 'the rejection was handed to the ledger hook');
  assert.equal(ctx.events[0].kind, 'manifest');
  assert.equal(ctx.events[0].decision, 'deny');
  assert.equal(ctx.events[0].detail.code, code);
  assert.equal(ctx.events[0].detail.rule, rule);
}

const sign = (m: Manifest, key = operator.privateKey): SignedManifest => signManifest(m, key);

test('a valid signed manifest passes all the rules and nothing is recorded', async () => {
  const ctx = context();
  assert.deepEqual(await validateManifest(sign(coder), ctx), coder);
  assert.deepEqual(ctx.events, []);
});

test('rule 1: schema (unknown field, missing field, not an envelope)', async () => {
  const signed = sign(coder);
  await rejects({ ...signed, manifest: { ...signed.manifest, extra: true } }, context(), 'E_MANIFEST_SCHEMA', 1);
  const { identity: _i, ...noIdentity } = signed.manifest;
  await rejects({ ...signed, manifest: noIdentity }, context(), 'E_MANIFEST_SCHEMA', 1);
  await rejects(signed.manifest, context(), 'E_MANIFEST_SCHEMA', 1);
});

test('rule 2: signature (unknown key, revoked key, altered manifest, altered signature)', async () => {
  await rejects(sign(coder, stranger.privateKey), context(), 'E_MANIFEST_SIGNATURE', 2);
  await rejects(sign(coder, revoked.privateKey), context(), 'E_MANIFEST_SIGNATURE', 2);
  const signed = sign(coder);
  await rejects({ ...signed, manifest: variant({ credentials: ['github-token', 'npm-token'] }) }, context(), 'E_MANIFEST_SIGNATURE', 2);
  const flipped = Buffer.from(signed.signature.value, 'base64');
  flipped[0] ^= 1;
  await rejects({ ...signed, signature: { ...signed.signature, value: flipped.toString('base64') } }, context(), 'E_MANIFEST_SIGNATURE', 2);
});

test('rule 3: role ceiling (unknown role, a path, a limit, spawning beyond the role)', async () => {
  await rejects(sign(variant({ identity: { ...coder.identity, role: 'admin' } })), context(), 'E_MANIFEST_ROLE', 3);
  await rejects(sign(variant({ filesystem: { read: ['/'], write: ['/workspace'] } })), context(), 'E_MANIFEST_ROLE', 3);
  await rejects(sign(variant({ resources: { ...coder.resources, memory: 16 * 2 ** 30 } })), context(), 'E_MANIFEST_ROLE', 3);
  const researcher = variant({ identity: { ...coder.identity, role: 'researcher' } });
  await rejects(sign(researcher), context(), 'E_MANIFEST_ROLE', 3);
  // twin: no role means no ceiling
  const { role: _r, ...noRole } = coder.identity;
  assert.ok(await validateManifest(sign(variant({ identity: noRole, filesystem: { read: ['/srv'], write: ['/workspace'] } })), context()));
});

const parent = variant({ identity: { name: 'parent', operator: 'op' }, spawning: { allowed: true, maxDepth: 2, maxDescendants: 3 }, lifetime: { ttl: 7200, onExpiry: 'terminate' } });
const child = variant({ identity: { name: 'child', operator: 'op' }, filesystem: { read: ['/usr'], write: ['/workspace/sub'] }, spawning: { allowed: false, maxDepth: 0, maxDescendants: 0 } });
const spawnState = { descendants: 0, remainingSeconds: 600 };

test('rule 4: parent intersection (a write path, a host, a credential the parent lacks)', async () => {
  const effective = await validateManifest(sign(child), context({ parent, parentSpawnState: spawnState }));
  assert.equal(effective.lifetime.ttl, 600, 'TTL capped by the parent\'s remaining life');
  await rejects(sign(variant({ filesystem: { read: [], write: ['/home'] } }, child)), context({ parent, parentSpawnState: spawnState }), 'E_MANIFEST_PARENT', 4);
  await rejects(sign(variant({ network: { destinations: [{ host: 'evil.example', ports: [443, 443], protocol: 'https' }] } }, child)), context({ parent, parentSpawnState: spawnState }), 'E_MANIFEST_PARENT', 4);
  await rejects(sign(variant({ credentials: ['aws-root'] }, child)), context({ parent, parentSpawnState: spawnState }), 'E_MANIFEST_PARENT', 4);
});

test('rule 4 when spawning (narrowToParent): a wider child is narrowed to the intersection, never widened', async () => {
  const wider = variant({ filesystem: { read: [], write: ['/home'] }, credentials: ['aws-root'], network: { destinations: [{ host: 'evil.example', ports: [443, 443], protocol: 'https' }] } }, child);
  const effective = await validateManifest(sign(wider), context({ parent, parentSpawnState: spawnState, narrowToParent: true }));
  assert.deepEqual(effective.filesystem.write.filter((p) => p === '/home'), [], 'the write path the parent lacks is gone');
  assert.ok(!effective.credentials.includes('aws-root'));
  assert.ok(!effective.network.destinations.some((d) => d.host === 'evil.example'));
  // The same child under the strict check is rejected.
  await rejects(sign(wider), context({ parent, parentSpawnState: spawnState }), 'E_MANIFEST_PARENT', 4);
  // Narrowing does not bypass the other rules: the deny list still rejects.
  await rejects(sign(variant({ syscalls: ['ptrace', 'read'] }, child)), context({ parent, parentSpawnState: spawnState, narrowToParent: true }), 'E_MANIFEST_DENY_LIST', 7);
});

test('rule 5: spawn budget (parent may not spawn, no budget left, too deep)', async () => {
  const closed = variant({ spawning: { allowed: false, maxDepth: 0, maxDescendants: 0 } }, parent);
  await rejects(sign(child), context({ parent: closed, parentSpawnState: spawnState }), 'E_MANIFEST_SPAWN_BUDGET', 5);
  await rejects(sign(child), context({ parent, parentSpawnState: { descendants: 3, remainingSeconds: null } }), 'E_MANIFEST_SPAWN_BUDGET', 5);
  await rejects(sign(child), context({ parent }), 'E_MANIFEST_SPAWN_BUDGET', 5);
  const deep = variant({ spawning: { allowed: true, maxDepth: 2, maxDescendants: 1 } }, child);
  await rejects(sign(deep), context({ parent, parentSpawnState: spawnState }), 'E_MANIFEST_SPAWN_BUDGET', 5);
  const ok = variant({ spawning: { allowed: true, maxDepth: 1, maxDescendants: 1 } }, child);
  assert.ok(await validateManifest(sign(ok), context({ parent, parentSpawnState: { descendants: 1, remainingSeconds: null } })));
});

test('rule 6: resources must fit the capacity left after reservations', async () => {
  const capacity = { ...BIG, memory: 4 * 2 ** 30 };
  assert.ok(await validateManifest(sign(coder), context({ capacity, reservations: [{ ...coder.resources }] })));
  await rejects(sign(coder), context({ capacity, reservations: [{ ...coder.resources }, { ...coder.resources, memory: 1 }] }), 'E_MANIFEST_RESOURCES', 6);
  await rejects(sign(coder), context({ capacity: { ...BIG, pids: 100 } }), 'E_MANIFEST_RESOURCES', 6);
});

test('rule 7: permanently denied syscalls (each refused, the allowed twin passes)', async () => {
  for (const name of ['ptrace', 'mount', 'bpf', 'init_module', 'unshare', 'setns', 'kexec_load', 'seccomp']) {
    const { role: _r, ...noRole } = coder.identity;
    await rejects(sign(variant({ identity: noRole, syscalls: [...coder.syscalls, name].sort() })), context(), 'E_MANIFEST_DENY_LIST', 7);
  }
  assert.ok(await validateManifest(sign(variant({ syscalls: ['getpid', 'read'] })), context()));
});

test('rule 8: identity uniqueness among live agents', async () => {
  await rejects(sign(coder), context({ liveIdentities: new Set(['coder']) }), 'E_MANIFEST_IDENTITY', 8);
  assert.ok(await validateManifest(sign(coder), context({ liveIdentities: ['coder-2'] })));
});

test('rule 9: unlimited lifetime needs a trusted approval of this exact manifest', async () => {
  const { role: _r, ...noRole } = coder.identity;
  const forever = variant({ identity: noRole, lifetime: { ttl: 'unlimited', onExpiry: 'terminate' } });
  await rejects(sign(forever), context(), 'E_MANIFEST_UNLIMITED', 9);
  await rejects(sign(forever), context({ approvals: [signApproval(forever, 'unlimited-lifetime', stranger.privateKey)] }), 'E_MANIFEST_UNLIMITED', 9);
  await rejects(sign(forever), context({ approvals: [signApproval(variant({ resources: { ...forever.resources, pids: 1 } }, forever), 'unlimited-lifetime', operator.privateKey)] }), 'E_MANIFEST_UNLIMITED', 9);
  const other = variant({ identity: { ...noRole, name: 'other' } }, forever);
  await rejects(sign(forever), context({ approvals: [signApproval(other, 'unlimited-lifetime', operator.privateKey)] }), 'E_MANIFEST_UNLIMITED', 9);
  const effective = await validateManifest(sign(forever), context({ approvals: [signApproval(forever, 'unlimited-lifetime', operator.privateKey)] }));
  assert.equal(effective.lifetime.ttl, 'unlimited');
});

test('a ledger hook that fails turns into E_MANIFEST_LEDGER; the manifest is still refused', async () => {
  const ctx = context({ onReject: async () => { throw new Error('disk full'); } });
  await assert.rejects(validateManifest(sign(coder, stranger.privateKey), ctx), (e: { code: string }) => e.code === 'E_MANIFEST_LEDGER');
});

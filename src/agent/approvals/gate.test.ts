import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { trustFromKeys } from '../manifest/trust.ts';
import type { ApprovalRequest } from './approval.ts';
import { decideApproval } from './decide.ts';
import { requestApproval, type ApprovalGateOptions } from './gate.ts';
import { ApprovalStore } from './store.ts';

const operator = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const request: ApprovalRequest = { agent: 'agt_test', lineage: [], action: 'fs.write', target: '/etc/passwd', reason: 'write outside the workspace', evidence: { bytes: 12 } };

function setup(timeoutMs = 2_000) {
  const dir = mkdtempSync(join(tmpdir(), 'octant-approvals-'));
  const store = new ApprovalStore(join(dir, 'approvals'));
  const ledger = memoryLedger();
  const events = ledger.entries;
  const options: ApprovalGateOptions = {
    store,
    trust: () => trustFromKeys([{ publicKey: createPublicKey(operator.privateKey) }]),
    ledger: ledger.append,
    timeoutMs,
    pollMs: 10,
  };
  return { dir, store, events, options, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Decide the first pending approval as soon as it appears. */
function decideWhenPending(store: ApprovalStore, decide: (id: string) => void): void {
  const timer = setInterval(() => {
    const pending = store.list().find((a) => a.state === 'pending');
    if (pending) { clearInterval(timer); decide(pending.id); }
  }, 5);
}

test('an operator approval signed by a trusted key lets the action through, and both steps are in the ledger', async () => {
  const t = setup();
  decideWhenPending(t.store, (id) => decideApproval(t.store, id, 'approved', operator.privateKey, t.options.trust(), 'ok'));
  const outcome = await requestApproval(request, t.options);
  assert.equal(outcome.approved, true);
  assert.match(outcome.reason, /approved by key/);
  assert.deepEqual(t.events.map((e) => [e.action, e.decision]), [['approval.request', 'pending'], ['approval.decision', 'allow']]);
  t.cleanup();
});

test('a denial denies', async () => {
  const t = setup();
  decideWhenPending(t.store, (id) => decideApproval(t.store, id, 'denied', operator.privateKey, t.options.trust()));
  const outcome = await requestApproval(request, t.options);
  assert.equal(outcome.approved, false);
  assert.match(outcome.reason, /denied by key/);
  assert.equal(t.events.at(-1)!.decision, 'deny');
  t.cleanup();
});

test('a passed deadline denies (fail closed) and the approval is marked expired', async () => {
  const t = setup(50);
  const outcome = await requestApproval(request, t.options);
  assert.equal(outcome.approved, false);
  assert.equal(outcome.reason, 'deadline passed');
  assert.equal(t.store.get(outcome.id).state, 'expired');
  assert.throws(() => decideApproval(t.store, outcome.id, 'approved', operator.privateKey, t.options.trust()), /already expired/);
  t.cleanup();
});

test('a decision by a key that is not trusted when the gate checks it (revoked since) is refused', async () => {
  const t = setup();
  // The deciding side still trusted the stranger's key; the gate's set does not.
  const stale = trustFromKeys([{ publicKey: createPublicKey(stranger.privateKey) }]);
  decideWhenPending(t.store, (id) => decideApproval(t.store, id, 'approved', stranger.privateKey, stale));
  const outcome = await requestApproval(request, t.options);
  assert.equal(outcome.approved, false);
  assert.match(outcome.reason, /not in the trusted key set/);
  t.cleanup();
});

test('approvals approve refuses an unknown or revoked key itself, and writes no decision', async () => {
  const t = setup();
  const pending = requestApproval(request, { ...t.options, timeoutMs: 300 });
  await new Promise((resolve) => setTimeout(resolve, 30));
  const id = t.store.list()[0].id;
  assert.throws(() => decideApproval(t.store, id, 'approved', stranger.privateKey, t.options.trust()), (e: any) => e.code === 'E_APPROVAL_KEY_UNTRUSTED' && /not in the trusted key set/.test(e.message));
  const revoked = trustFromKeys([{ publicKey: createPublicKey(operator.privateKey), revoked: true }]);
  assert.throws(() => decideApproval(t.store, id, 'approved', operator.privateKey, revoked), (e: any) => e.code === 'E_APPROVAL_KEY_REVOKED');
  assert.equal(t.store.get(id).state, 'pending');
  assert.equal((await pending).approved, false);
  t.cleanup();
});

test('the ledger keeps the decision itself: signer, note, time and signature', async () => {
  const t = setup();
  decideWhenPending(t.store, (id) => decideApproval(t.store, id, 'approved', operator.privateKey, t.options.trust(), 'checked the diff'));
  await requestApproval(request, t.options);
  const detail = t.events.at(-1)!.detail as Record<string, any>;
  assert.equal(detail.decided, 'approved');
  assert.equal(detail.note, 'checked the diff');
  assert.equal(detail.keyId, detail.signature.keyId);
  assert.match(detail.signature.value, /^[A-Za-z0-9+/]{86}==$/);
  assert.ok(Date.parse(detail.decidedAt) > 0);
  t.cleanup();
});

test('a state flipped to approved without a valid signature is refused', async () => {
  const t = setup();
  decideWhenPending(t.store, (id) => {
    const denied = decideApproval(t.store, id, 'denied', operator.privateKey, t.options.trust());
    // Tamper: flip the state and the signed body's decision.
    t.store.save({ ...denied, state: 'approved', decision: { ...denied.decision!, body: { ...denied.decision!.body, decision: 'approved' } } });
  });
  const outcome = await requestApproval(request, t.options);
  assert.equal(outcome.approved, false);
  assert.match(outcome.reason, /does not verify/);
  t.cleanup();
});

test('a valid decision moved from another request is refused', async () => {
  const t = setup();
  const other = await (async () => {
    const t2 = setup();
    decideWhenPending(t2.store, (id) => decideApproval(t2.store, id, 'approved', operator.privateKey, t2.options.trust()));
    const out = await requestApproval({ ...request, target: '/tmp/harmless' }, t2.options);
    const approval = t2.store.get(out.id);
    t2.cleanup();
    return approval;
  })();
  decideWhenPending(t.store, (id) => t.store.save({ ...t.store.get(id), state: 'approved', decision: other.decision }));
  const outcome = await requestApproval(request, t.options);
  assert.equal(outcome.approved, false);
  assert.match(outcome.reason, /another request/);
  t.cleanup();
});

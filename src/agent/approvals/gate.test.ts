import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry, LedgerEvent } from '../../services/ledger/types.ts';
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
  const events: LedgerEvent[] = [];
  const options: ApprovalGateOptions = {
    store,
    trust: () => trustFromKeys([{ publicKey: createPublicKey(operator.privateKey) }]),
    ledger: async (event) => { events.push(event); return { ...event, seq: events.length - 1, time: '', prev: '' } as LedgerEntry; },
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
  decideWhenPending(t.store, (id) => decideApproval(t.store, id, 'approved', operator.privateKey, 'ok'));
  const outcome = await requestApproval(request, t.options);
  assert.equal(outcome.approved, true);
  assert.match(outcome.reason, /approved by key/);
  assert.deepEqual(t.events.map((e) => [e.action, e.decision]), [['approval.request', 'pending'], ['approval.decision', 'allow']]);
  t.cleanup();
});

test('a denial denies', async () => {
  const t = setup();
  decideWhenPending(t.store, (id) => decideApproval(t.store, id, 'denied', operator.privateKey));
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
  assert.throws(() => decideApproval(t.store, outcome.id, 'approved', operator.privateKey), /already expired/);
  t.cleanup();
});

test('an approval signed by an untrusted key is refused', async () => {
  const t = setup();
  decideWhenPending(t.store, (id) => decideApproval(t.store, id, 'approved', stranger.privateKey));
  const outcome = await requestApproval(request, t.options);
  assert.equal(outcome.approved, false);
  assert.match(outcome.reason, /not in the trusted key set/);
  t.cleanup();
});

test('a state flipped to approved without a valid signature is refused', async () => {
  const t = setup();
  decideWhenPending(t.store, (id) => {
    const denied = decideApproval(t.store, id, 'denied', operator.privateKey);
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
    decideWhenPending(t2.store, (id) => decideApproval(t2.store, id, 'approved', operator.privateKey));
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

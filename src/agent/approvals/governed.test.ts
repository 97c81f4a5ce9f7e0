// The gate with the quorum in front of the human: a panel approval needs no
// human, a veto or a rejection never reaches one, a split goes to a human
// with the ballots attached and the human's signed decision is final.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter } from '../../services/router/api.ts';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { testInjector } from '../../services/router/testing/test-injector.ts';
import { createQuorum, DecisionStore, readPolicy, type QuorumApi } from '../../services/quorum/api.ts';
import { ballotStep, startScriptedPanel } from '../../../test/support/scripted-panel.ts';
import { trustFromKeys } from '../manifest/trust.ts';
import type { ApprovalRequest } from './approval.ts';
import { decideApproval } from './decide.ts';
import { requestApproval } from './gate.ts';
import { governedApproval } from './governed.ts';
import { recentLedger } from './recent-entries.ts';
import { ApprovalStore } from './store.ts';

const panel = await startScriptedPanel();
const { alpha, beta, gamma } = panel.fakes;
const operator = generateKeyPairSync('ed25519');
const root = mkdtempSync(join(tmpdir(), 'octant-governed-'));
after(async () => { await panel.close(); rmSync(root, { recursive: true, force: true }); });

const request: ApprovalRequest = { agent: 'agt_g1', lineage: [], action: 'fs.delete', target: '/data/archive', reason: 'governance.critical lists fs.delete', evidence: { recursive: true }, manifest: { name: 'cleaner' } };

function setup(humanTimeoutMs = 2_000) {
  const ledger = memoryLedger();
  const recent = recentLedger(ledger.append);
  const router = createRouter({ config: panel.config, injector: testInjector({}), ledger });
  const dir = mkdtempSync(join(root, 'case-'));
  const quorum: QuorumApi = createQuorum({
    ledger: recent.append, chat: (r, c) => router.chat(r, c), caller: async () => ({ agent: 'quorum', lineage: [] }), redact: (t) => t,
    panel: () => panel.voters, policy: readPolicy({ default: { threshold: 'two-thirds', quorum: 2, veto: 0.8, escalateRisk: 0.7, debate: 0 } }),
    decisions: new DecisionStore(join(dir, 'quorum')), voterTimeoutMs: 1_000, deadlineMs: 5_000,
  });
  const store = new ApprovalStore(join(dir, 'approvals'));
  const trust = () => trustFromKeys([{ publicKey: createPublicKey(operator.privateKey) }]);
  const gate = (r: ApprovalRequest) => governedApproval(r, {
    quorum,
    human: (h, s) => requestApproval(h, { store, trust, ledger: recent.append, timeoutMs: humanTimeoutMs, pollMs: 10 }, s),
    recent: (agent) => recent.recent(agent),
  });
  return { ledger, recent, quorum, store, trust, gate };
}

test('the panel approves: the action may run, no human approval is created', async () => {
  const t = setup();
  for (const f of [alpha, beta, gamma]) f.script(ballotStep('approve'));
  const outcome = await t.gate(request);
  assert.equal(outcome.approved, true);
  assert.match(outcome.reason, /approved by the quorum/);
  assert.equal(t.store.list().length, 0);
});

test('a veto denies without asking a human', async () => {
  const t = setup();
  alpha.script(ballotStep('approve'));
  beta.script(ballotStep('approve'));
  gamma.script(ballotStep('reject', 0.9, 'recursive delete of an archive'));
  const outcome = await t.gate(request);
  assert.equal(outcome.approved, false);
  assert.match(outcome.reason, /quorum rejected: veto: gamma/);
  assert.equal(t.store.list().length, 0);
});

test('a split goes to a human with the ballots attached; the signed approval is final and noted on the decision', async () => {
  const t = setup();
  alpha.script(ballotStep('approve', 0.2, 'the task says clean up'));
  beta.script(ballotStep('reject', 0.6, 'irreversible'));
  gamma.script(ballotStep('reject', 0.5, 'no backup shown'));
  const timer = setInterval(() => {
    const pending = t.store.list().find((a) => a.state === 'pending');
    if (pending === undefined) return;
    clearInterval(timer);
    const quorum = pending.evidence.quorum as { ballots: { voter: string; rationale: string }[] };
    assert.deepEqual(quorum.ballots.map((b) => b.voter), ['alpha', 'beta', 'gamma']);
    assert.match(pending.reason, /escalated to a human: split vote/);
    decideApproval(t.store, pending.id, 'approved', operator.privateKey, t.trust(), 'backup exists');
  }, 5);
  const outcome = await t.gate(request);
  assert.equal(outcome.approved, true);
  assert.match(outcome.reason, /approved by key/);
  const decision = t.quorum.list()[0];
  assert.equal(decision.outcome, 'escalate');
  assert.deepEqual(decision.human, { approved: true, reason: outcome.reason, approval: outcome.id });
  // The agent's governance story, in ledger order.
  assert.deepEqual(t.recent.recent('agt_g1').map((e) => e.action), ['quorum.proposal', 'quorum.ballot', 'quorum.ballot', 'quorum.ballot', 'quorum.outcome', 'approval.request', 'approval.decision']);
});

test('an escalation nobody decides is denied at the deadline', async () => {
  const t = setup(100);
  for (const f of [alpha, beta, gamma]) f.script({ kind: 'ok', text: 'no idea' });
  const outcome = await t.gate(request);
  assert.equal(outcome.approved, false);
  assert.equal(outcome.reason, 'deadline passed');
});

test('a quorum that throws is a denial, and no human is asked', async () => {
  const t = setup();
  const broken: QuorumApi = { ...t.quorum, decide: async () => { throw new Error('state directory gone'); } };
  let asked = false;
  const outcome = await governedApproval(request, { quorum: broken, human: async () => { asked = true; return { approved: true, id: 'x', reason: '' }; }, recent: () => [] });
  assert.equal(outcome.approved, false);
  assert.match(outcome.reason, /the quorum failed \(state directory gone\); denied/);
  assert.equal(asked, false);
});

test('the manifest\'s own rule (governance.quorum) makes the vote stricter: two of three no longer pass unanimous', async () => {
  const t = setup(100);
  alpha.script(ballotStep('approve'));
  beta.script(ballotStep('approve'));
  gamma.script(ballotStep('reject', 0.3, 'not sure'));
  const outcome = await t.gate({ ...request, manifest: { name: 'cleaner', rule: { threshold: 'unanimous' } } });
  assert.equal(outcome.approved, false, 'escalated, and nobody decided in time');
  const decision = t.quorum.list()[0];
  assert.equal(decision.rule.threshold, 'unanimous');
  assert.equal(decision.tally.decidedBy, 'split');
});

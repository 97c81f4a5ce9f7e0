import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { octantCli } from '../../../test/support/octant-cli.ts';
import { rootLayout } from '../../runtime/paths.ts';
import { createQuorum, DecisionStore, decisionsDir, readPolicy } from '../../services/quorum/api.ts';
import type { ProposalInput } from '../../services/quorum/api.ts';

/** Decisions made by the real engine with voters that answer from a table (no model needed for the CLI). */
async function decide(root: string, input: ProposalInput, answers: Record<string, string>) {
  const quorum = createQuorum({
    ledger: async (event) => ({ ...event, seq: 7, time: '', prev: '' }),
    chat: async (request) => ({ id: 'x', model: `${request.model}-v1`, content: answers[request.model], toolCalls: [], stopReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0 } }),
    caller: async () => ({ agent: 'quorum', lineage: [] }),
    redact: (t) => t,
    panel: () => Object.keys(answers).map((m) => ({ name: m, model: m, weight: 1, family: m })),
    policy: readPolicy(undefined),
    decisions: new DecisionStore(decisionsDir(rootLayout(root))),
    voterTimeoutMs: 1000,
    deadlineMs: 5000,
  });
  return quorum.decide(input);
}

const input: ProposalInput = { agent: 'agt_c1', lineage: [], manifest: { name: 'writer' }, action: 'fs.write', target: '/data/x\u001b[31mred', reason: 'governance.critical lists fs.write', evidence: { bytes: 3 }, recent: [] };
const ballot = (vote: string, risk: number, rationale: string): string => JSON.stringify({ vote, risk, rationale });

test('quorum list, show and explain read decisions from the state directory, escaping what agents and voters wrote', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-quorum-cli-'));
  const d = await decide(root, input, { a: ballot('approve', 0.1, 'fine'), b: ballot('reject', 0.9, 'bad\u001b[2J'), c: 'garbage' });
  const list = await octantCli(root, 'quorum', 'list');
  assert.equal(list.code, 0);
  assert.match(list.out, new RegExp(`${d.id}  rejected`));
  assert.ok(!list.out.includes('\u001b'), 'escape sequences from the agent are escaped');
  const explain = await octantCli(root, 'quorum', 'explain', d.id);
  assert.equal(explain.code, 0, explain.err);
  assert.match(explain.out, /rule \(fs\.write\): two-thirds, quorum 2, veto at risk 0\.8/);
  assert.match(explain.out, /c +c-v1 +weight 1  abstain \(malformed: not a JSON object\)/);
  assert.match(explain.out, /decided by step 1, veto/);
  assert.match(explain.out, /outcome: rejected: veto: b rejected at risk 0\.9 \(veto at 0\.8\) \(ledger #7\)/);
  const json = await octantCli(root, 'quorum', 'show', d.id, '--json');
  assert.equal(JSON.parse(json.out).ballots.length, 3);
  rmSync(root, { recursive: true, force: true });
});

test('quorum refuses a bad id, an unknown subcommand, and panel add without --model', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-quorum-cli-'));
  const bad = await octantCli(root, 'quorum', 'show', '../../etc/passwd');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /E_QUORUM_ID/);
  const unknown = await octantCli(root, 'quorum', 'show', 'quo_0000000000000000');
  assert.match(unknown.err, /E_QUORUM_UNKNOWN/);
  assert.equal((await octantCli(root, 'quorum', 'vote')).code, 2);
  const noModel = await octantCli(root, 'quorum', 'panel', 'add', 'judge');
  assert.equal(noModel.code, 2);
  assert.match(noModel.err, /--model M is required/);
  const down = await octantCli(root, 'quorum', 'panel', 'add', 'judge', '--model', 'small');
  assert.equal(down.code, 3, 'panel changes need the running system');
  assert.match((await octantCli(root, 'quorum', 'panel', 'list')).out, /no voters: every critical action goes to a human/);
  rmSync(root, { recursive: true, force: true });
});

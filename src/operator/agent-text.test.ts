// What an agent wrote reaches the operator's terminal escaped: its ledger
// story (run --story, up), its record (agent inspect, list), its logs
// (agent logs, unless --raw) and its approval requests (approvals list, show).
// Each case has a twin: ordinary text is printed unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootLayout } from '../runtime/paths.ts';
import { agentsDir } from '../agent/lifecycle/compose.ts';
import { createAidGenerator } from '../agent/lifecycle/aid.ts';
import { agentDir, writeRecord, type AgentRecord } from '../agent/lifecycle/records.ts';
import { ApprovalStore, approvalsDir, newApprovalId } from '../agent/approvals/store.ts';
import type { LedgerEntry } from '../services/ledger/api.ts';
import { storyLines, summaryLines } from './agent-report.ts';
import { octantCli } from '../../test/support/octant-cli.ts';

/** Anything a terminal acts on or shows as a line break; none may reach it. */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const EVIL = 'x\n#9999  action     allow   fs.write /etc/shadow\x1b[2J\x9b1m\u202e';

const octant = octantCli;

function record(aid: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    aid, name: 'worker', state: 'exited', manifestHash: 'sha256:00', parent: null, lineage: [], operator: 'op', depth: 0,
    command: ['/bin/agent', '--go'], childrenPolicy: 'terminate', graceSeconds: 0, retain: [], ttlSeconds: null,
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:01.000Z', deadline: null, pid: null,
    exit: { code: 0, signal: null }, reason: null, retained: [], history: [], ...overrides,
  } as AgentRecord;
}

function entry(seq: number, target: string, detail: Record<string, unknown> = {}): LedgerEntry {
  return { seq, time: '2026-01-01T00:00:00.000Z', agent: 'agt_x', lineage: [], kind: 'action', action: 'fs.read', target, decision: 'allow', detail, prev: '' };
}

test('the story and summary escape targets, reasons and the answer; ordinary ones print as before', () => {
  const report = {
    record: record('agt_x', { name: 'n\u2028ame', reason: EVIL }),
    result: { reason: 'done', steps: 1, calls: 1, refused: 0, answer: `the answer${EVIL}` },
    entries: [entry(0, EVIL, { reason: EVIL }), entry(1, '/work/ok.txt')],
  };
  const lines = [...summaryLines(report), ...storyLines(report)];
  for (const line of lines) assert.doesNotMatch(line, RAW_CONTROL, JSON.stringify(line));
  assert.match(lines.join('\n'), /fs\.read \[escaped\]"x\\n#9999  action     allow   fs\.write \/etc\/shadow\\x1b\[2J\\x9b1m\\u202e"/);
  assert.match(lines[2]!, /answer: \[escaped\]"the answerx\\n#9999/);
  assert.equal(lines.at(-1), '  #   1  action     allow   fs.read /work/ok.txt');
});

test('agent inspect, list and logs escape what the agent wrote; logs --raw gives the bytes', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-agent-text-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = agentsDir(rootLayout(root));
  const next = createAidGenerator();
  const evil = next();
  const plain = next();
  writeRecord(dir, record(evil, { name: `n${EVIL}`, command: ['/bin/sh', '-c', EVIL], reason: EVIL }));
  writeRecord(dir, record(plain));
  const log = `line one\n\x1b]0;owned\x07line two\u2028\ttabbed\n`;
  writeFileSync(join(agentDir(dir, evil), 'stdout.log'), log);
  for (const args of [['agent', 'inspect', evil], ['agent', 'list']]) {
    const r = await octant(root, ...args);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out.replaceAll('\n', ''), RAW_CONTROL, args.join(' '));
    assert.match(r.out, /\[escaped\]"nx\\n#9999/);
  }
  assert.match((await octant(root, 'agent', 'inspect', evil)).out, /^command   \/bin\/sh -c \[escaped\]"x\\n#9999/m);
  assert.match((await octant(root, 'agent', 'inspect', plain)).out, /^command   \/bin\/agent --go$/m);
  const logs = await octant(root, 'agent', 'logs', evil);
  assert.equal(logs.out, 'line one\n\\x1b]0;owned\\x07line two\\u2028\ttabbed\n');
  assert.match(logs.err, /3 control character\(s\) escaped .* --raw prints the bytes/);
  // Error messages quote arguments and replies: escaped too (newlines kept).
  const bad = await octant(root, 'agent', 'inspect', 'agt_\x1b]0;owned\x07');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^error\[E_AID_INVALID\]: 'agt_\\x1b\]0;owned\\x07' is not an agent id/);
  const raw = await octant(root, 'agent', 'logs', evil, '--raw');
  assert.equal(raw.out, log);
  assert.equal(raw.err, '');
});

test('approvals list and show escape the agent, target, reason and evidence', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-approval-text-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = new ApprovalStore(approvalsDir(rootLayout(root)));
  const id = newApprovalId();
  store.save({
    id, agent: 'agt_x', lineage: [], action: 'fs.write', target: EVIL, reason: EVIL, evidence: { content: EVIL },
    createdAt: new Date().toISOString(), deadline: new Date(Date.now() + 3_600_000).toISOString(), state: 'pending',
  });
  const list = await octant(root, 'approvals', 'list');
  assert.equal(list.code, 0, list.err);
  assert.equal(list.out.trim().split('\n').length, 1);
  assert.match(list.out, new RegExp(`^${id}  pending   agt_x  fs\\.write \\[escaped\\]"x\\\\n#9999`));
  const show = await octant(root, 'approvals', 'show', id);
  assert.doesNotMatch(show.out.replaceAll('\n', ''), RAW_CONTROL);
  assert.match(show.out, /^reason: {3}\[escaped\]"x\\n/m);
  assert.match(show.out, /^evidence: \[escaped\]"\{\\"content\\":\\"x\\\\n#9999/m);
});

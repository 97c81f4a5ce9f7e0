// The quorum's cost and its judgement, in one run.
//
// 1. Decision overhead beyond the model calls: quorum.decide() with three
//    voters whose "model calls" return at once, against the same three calls
//    made directly (the baseline, same run). What is left is the engine:
//    proposal, prompts, ballot parsing, tally, the decision file, and the
//    ledger appends (in memory, and on a durable ledger with fsync).
// 2. Decision quality: a panel of three judges against each judge alone, on
//    the labelled cases of bench/fixtures/quorum-cases.json ("dev", used
//    while writing the judges, and "heldOut", written after and never tuned
//    against). The judges are small deterministic heuristics standing in for
//    three small models with different blind spots (one reads the target,
//    one the content, one the stated purpose): the figures measure what the
//    counting rules make of diverse imperfect judges, not any real model.
//
//   node bench/quorum.ts [--runs N]

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rootLayout } from '../src/runtime/paths.ts';
import { openLedger } from '../src/services/ledger/index.ts';
import type { LedgerAppend, LedgerEntry } from '../src/services/ledger/types.ts';
import { createQuorum, DecisionStore, readPolicy, type ProposalInput, type Voter } from '../src/services/quorum/api.ts';
import type { ChatRequest, ChatResponse } from '../src/services/router/types.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '400' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 10) throw new Error(`--runs: expected an integer >= 10, got ${values.runs}`);

const root = mkdtempSync(join(tmpdir(), 'octant-bench-quorum-'));
const panel: Voter[] = [
  { name: 'target', model: 'target', weight: 1, family: 'a' },
  { name: 'content', model: 'content', weight: 1, family: 'b' },
  { name: 'purpose', model: 'purpose', weight: 1, family: 'c' },
];
const policy = readPolicy({ default: { threshold: 'two-thirds', quorum: 2, veto: 0.8, escalateRisk: 0.7, debate: 0 } });

function response(model: string, content: string): ChatResponse {
  return { id: 'r', model, content, toolCalls: [], stopReason: 'stop', usage: { promptTokens: 400, completionTokens: 30, cachedTokens: 0 } };
}

const memoryAppend = (): LedgerAppend => {
  let seq = 0;
  return async (event) => ({ ...event, seq: seq++, time: '', prev: '' }) satisfies LedgerEntry;
};

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

// ---- 1. overhead -------------------------------------------------------------

const BALLOT = JSON.stringify({ vote: 'approve', risk: 0.1, rationale: 'within the task' });
const instantChat = async (request: ChatRequest): Promise<ChatResponse> => response(request.model, BALLOT);
const input: ProposalInput = {
  agent: 'agt_bench', lineage: [], manifest: { name: 'bench' }, action: 'fs.write', target: '/srv/reports/weekly.md',
  reason: 'governance.critical lists fs.write', statedReason: 'save the weekly report',
  evidence: { bytes: 2400, content: 'x'.repeat(2400) },
  recent: Array.from({ length: 8 }, (_, i) => ({ seq: i, action: 'fs.read', target: `/srv/in/${i}.md`, decision: 'allow' })),
};

async function timeMany(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 30; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

async function overhead(): Promise<void> {
  const request: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'x'.repeat(3000) }], responseFormat: 'json' };
  const baseline = await timeMany(() => Promise.all(panel.map((v) => instantChat({ ...request, model: v.model }))));
  const make = (ledger: LedgerAppend, dir: string) => createQuorum({
    ledger, chat: instantChat, caller: async () => ({ agent: 'quorum', lineage: [] }), redact: (t) => t,
    panel: () => panel, policy, decisions: new DecisionStore(join(root, dir)), voterTimeoutMs: 5_000, deadlineMs: 60_000,
  });
  const inMemory = make(memoryAppend(), 'mem');
  const mem = await timeMany(() => inMemory.decide(input));
  const ledger = await openLedger(rootLayout(join(root, 'durable')));
  const durable = make(ledger.append, 'durable-decisions');
  const disk = await timeMany(() => durable.decide(input));
  await ledger.close();
  const line = (name: string, s: number[]): string => `${name.padEnd(46)} p50 ${quantile(s, 0.5).toFixed(3)} ms  p99 ${quantile(s, 0.99).toFixed(3)} ms`;
  console.log(`decision overhead (${runs} decisions, 3 voters, 5 ledger entries each):`);
  console.log(line('baseline: the 3 model calls alone', baseline));
  console.log(line('decide(), ledger in memory', mem));
  console.log(line('decide(), durable ledger (fsync, group commit)', disk));
  for (const [name, s] of [['in memory', mem], ['durable', disk]] as const) {
    const over = quantile(s, 0.5) - quantile(baseline, 0.5);
    console.log(`overhead beyond the model calls, ${name}: p50 ${over.toFixed(3)} ms (goal < 5 ms: ${(over / 5).toFixed(2)}x of the goal), ratio to baseline ${(quantile(s, 0.5) / quantile(baseline, 0.5)).toFixed(1)}x`);
  }
}

// ---- 2. quality ----------------------------------------------------------------

interface Case { name: string; action: string; target: string; statedReason?: string; evidence: Record<string, unknown>; label: 'approve' | 'reject' }

type Judge = (p: { action: string; target: string; agentStatedReason: string | null; evidenceExcerpt: string }) => { vote: 'approve' | 'reject'; risk: number; rationale: string };

const JUDGES: Record<string, Judge> = {
  // Reads where the action lands.
  target: (p) => {
    const sensitive = /^\/etc\/|\/\.ssh\/|^\/root|^\/var\/lib\/|^\/usr\/|^\/boot|\.bashrc$|sudoers|cron|169\.254\.|^\/home\/[^/]+$/;
    if (sensitive.test(p.target)) return { vote: 'reject', risk: 0.9, rationale: 'sensitive target' };
    const recursive = /"recursive":true/.test(p.evidenceExcerpt) && Number(/"entries":(\d+)/.exec(p.evidenceExcerpt)?.[1] ?? 0) > 1000;
    if (p.action === 'fs.delete' && recursive) return { vote: 'reject', risk: 0.85, rationale: 'large recursive delete' };
    return { vote: 'approve', risk: 0.1, rationale: 'ordinary target' };
  },
  // Reads what is written or sent.
  content: (p) => {
    const text = `${p.agentStatedReason ?? ''} ${p.evidenceExcerpt} ${p.target}`;
    const bad = [/ignore (all )?previous/i, /pre-approved/i, /SYSTEM:/, /vote approve/i, /sk-live|ghp_|AWS_SECRET|api key/i, /\| ?sh\b/, /nc -e/, /777/, /[?&][a-z]=[A-Za-z0-9+/=]{24,}/, /password at http/i];
    const hit = bad.find((re) => re.test(text));
    if (hit !== undefined) return { vote: 'reject', risk: 0.9, rationale: `content matches ${hit.source}` };
    return { vote: 'approve', risk: 0.2, rationale: 'nothing alarming in the content' };
  },
  // Reads why the agent says it acts.
  purpose: (p) => {
    const why = p.agentStatedReason ?? '';
    if (why.split(/\s+/).filter(Boolean).length < 4) return { vote: 'reject', risk: 0.6, rationale: 'no real purpose stated' };
    if (/\b(\d{1,3}\.){3}\d{1,3}\b/.test(p.target) && !p.target.startsWith('127.')) return { vote: 'reject', risk: 0.6, rationale: 'raw IP address' };
    if (/task|as requested|report|asks/i.test(why)) return { vote: 'approve', risk: 0.1, rationale: 'fits the stated task' };
    return { vote: 'approve', risk: 0.3, rationale: 'plausible' };
  },
};

/** A voter's "model": the judge applied to the proposal it was sent (the data line of the first block). */
async function judgeChat(request: ChatRequest): Promise<ChatResponse> {
  const user = request.messages.find((m) => m.role === 'user')!.content as string;
  const proposal = JSON.parse(user.split('\n')[1]!);
  return response(request.model, JSON.stringify(JUDGES[request.model]!(proposal)));
}

interface Score { agree: number; escalated: number; unsafe: number; overcautious: number; total: number }

function score(outcomes: ('approve' | 'reject' | 'escalate')[], cases: Case[]): Score {
  const s: Score = { agree: 0, escalated: 0, unsafe: 0, overcautious: 0, total: cases.length };
  outcomes.forEach((o, i) => {
    const label = cases[i]!.label;
    if (o === 'escalate') s.escalated++;
    else if (o === label) s.agree++;
    else if (o === 'approve') s.unsafe++;
    else s.overcautious++;
  });
  return s;
}

async function quality(): Promise<void> {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/quorum-cases.json', import.meta.url), 'utf8')) as { dev: Case[]; heldOut: Case[] };
  const quorum = createQuorum({
    ledger: memoryAppend(), chat: judgeChat, caller: async () => ({ agent: 'quorum', lineage: [] }), redact: (t) => t,
    panel: () => panel, policy, decisions: new DecisionStore(join(root, 'quality')), voterTimeoutMs: 5_000, deadlineMs: 60_000,
  });
  console.log('\ndecision quality (agree: automatic decision equals the label; escalated: a human decides; unsafe: approved what should be rejected):');
  for (const [set, cases] of [['dev', fixture.dev], ['held-out', fixture.heldOut]] as const) {
    const panelOutcomes: ('approve' | 'reject' | 'escalate')[] = [];
    const single: Record<string, ('approve' | 'reject' | 'escalate')[]> = Object.fromEntries(panel.map((v) => [v.name, []]));
    for (const c of cases) {
      const d = await quorum.decide({ agent: 'agt_q', lineage: [], manifest: { name: 'bench' }, action: c.action, target: c.target, reason: 'critical', statedReason: c.statedReason, evidence: c.evidence, recent: [] });
      panelOutcomes.push(d.outcome === 'approved' ? 'approve' : d.outcome === 'escalate' ? 'escalate' : 'reject');
      for (const b of d.ballots) single[b.voter]!.push(b.vote === 'abstain' ? 'escalate' : b.vote);
    }
    const rows = [['panel (2/3, veto 0.8, human above 0.7)', score(panelOutcomes, cases)] as const, ...panel.map((v) => [`${v.name} alone`, score(single[v.name]!, cases)] as const)];
    console.log(`${set} (${cases.length} cases, ${cases.filter((c) => c.label === 'reject').length} to reject):`);
    for (const [name, s] of rows) {
      console.log(`  ${name.padEnd(40)} agree ${String(s.agree).padStart(2)}/${s.total} (${((100 * s.agree) / s.total).toFixed(0)}%)  escalated ${s.escalated}  unsafe ${s.unsafe}  over-cautious ${s.overcautious}`);
    }
    const best = Math.max(...rows.slice(1).map(([, s]) => s.agree));
    console.log(`  panel vs its best single voter: agree ${rows[0][1].agree} vs ${best} (${(rows[0][1].agree / best).toFixed(2)}x); unsafe ${rows[0][1].unsafe} vs ${Math.min(...rows.slice(1).map(([, s]) => s.unsafe))} (fewest of any single voter)`);
  }
}

try {
  await overhead();
  await quality();
} finally {
  rmSync(root, { recursive: true, force: true });
}

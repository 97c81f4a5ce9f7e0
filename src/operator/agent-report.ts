// The short story of one agent, told from the records the system keeps:
// its archived record, what its program reported, and its ledger partition.
// Used by `octant run` and `octant up`.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeField } from '../lib/safe-text.ts';
import type { Paths } from '../runtime/paths.ts';
import { agentsDir } from '../agent/lifecycle/compose.ts';
import { agentDir, type AgentRecord } from '../agent/lifecycle/records.ts';
import { ledgerDir, readLedger } from '../services/ledger/api.ts';
import type { LedgerEntry } from '../services/ledger/api.ts';

export interface AgentReport {
  record: AgentRecord;
  /** The built-in loop's last line (its result), when it ran. */
  result?: Record<string, unknown>;
  entries: LedgerEntry[];
}

export function agentReport(paths: Paths, record: AgentRecord): AgentReport {
  const stdout = join(agentDir(agentsDir(paths), record.aid), 'stdout.log');
  let result: Record<string, unknown> | undefined;
  if (existsSync(stdout)) {
    const last = readFileSync(stdout, 'utf8').trim().split('\n').at(-1) ?? '';
    try { result = JSON.parse(last) as Record<string, unknown>; } catch { result = undefined; }
  }
  const entries = readLedger(ledgerDir(paths), { keepEntries: true }).replay.entries.filter((e) => e.agent === record.aid);
  return { record, result, entries };
}

/** One line per ledger entry of the agent, in order: the whole story. */
export function storyLines(report: AgentReport): string[] {
  return report.entries.map((e) => {
    // Targets, reasons and states may be an agent's text: each is escaped and marked.
    const what = e.kind === 'lifecycle' && typeof e.detail.to === 'string' ? `→ ${safeField(e.detail.to)}` : `${safeField(e.action)} ${safeField(e.target)}`.trim();
    const why = typeof e.detail.reason === 'string' ? `  (${safeField(e.detail.reason.slice(0, 120))})` : '';
    return `  #${String(e.seq).padStart(4)}  ${safeField(e.kind).padEnd(10)} ${safeField(e.decision).padEnd(7)} ${what}${why}`;
  });
}

export function summaryLines(report: AgentReport): string[] {
  const r = report.record;
  const counts = { allow: 0, deny: 0 };
  for (const e of report.entries) if (e.decision === 'allow' || e.decision === 'deny') counts[e.decision]++;
  const lines = [
    `agent ${r.aid} (${safeField(r.name)}): ${r.state}${r.reason ? ` — ${safeField(r.reason)}` : ''}`,
    `  exit ${r.exit ? (r.exit.signal ?? r.exit.code) : '-'}; ledger: ${report.entries.length} entries, ${counts.allow} allowed, ${counts.deny} refused`,
  ];
  // The loop's result line is the agent's own output (its answer comes from a model): escaped.
  const result = report.result;
  if (result) lines.push(`  loop: ${safeField(String(result.reason))} after ${safeField(String(result.steps))} step(s), ${safeField(String(result.calls))} call(s), ${safeField(String(result.refused))} refused${result.answer ? `; answer: ${safeField(String(result.answer).slice(0, 200))}` : ''}`);
  // Why the loop stopped on an error (E_ROUTER_UNAVAILABLE, E_VAULT_DENIED...), not only in `agent logs`.
  if (result?.error !== undefined) lines.push(`  cause: ${safeField(String(result.error).slice(0, 500))}`);
  return lines;
}

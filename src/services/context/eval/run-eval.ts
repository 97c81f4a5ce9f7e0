// `octant memory eval`: each conversation of a benchmark (eval-set.ts) is
// remembered by a throwaway context store built from the service's own
// code — the store (T0-T2) with T3 and T4 and hybrid fusion from
// openRecallTiers, exactly as the running service composes them, no daemon
// — in a temporary directory removed afterwards. Its turns go in by the
// store's import (the 'memory-import' worker, then the tiers: embeddings in
// the embed workers), dated as they were said; then each question is asked
// with the store's clock at the question's date and as of that date in both
// times (recency is relative to it; a turn said later is not known yet), and
// the turns it returns are scored (score.ts), next to plain BM25
// (plain-bm25.ts) over the same turns in the same run.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import type { WorkerPool } from '../../../lib/worker-pool.ts';
import { importWorkers } from '../index.ts';
import { createContextStore } from '../store/context-store.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportLine } from '../store/export-format.ts';
import { LIMITS } from '../store/memory-input.ts';
import type { ContextStoreApi } from '../types.ts';
import type { Embedder } from '../vectors/embedder.ts';
import type { EvalConversation, EvalFormat, EvalSet } from './eval-set.ts';
import { Bm25Tier } from './plain-bm25.ts';
import { scoreQuestion, summarize, type QuestionScore, type Summary } from './score.ts';

export const EVAL_METHODS = ['hybrid', 'bm25'] as const;
export type EvalMethod = (typeof EVAL_METHODS)[number];

export interface EvalOptions {
  k: number;
  methods: readonly EvalMethod[];
  /** Where the throwaway stores are made (each in a directory of its own, removed after); default the system's temporary directory. */
  workDir?: string;
  /** T3's embedder (default the built-in one), made on the embed workers: the operator's configured one for `--embedder configured`. */
  embedder?: (workers: WorkerPool) => Embedder;
  /** The hybrid fusion's weight per tier (t2, t3, t4); unnamed tiers keep the service's defaults. */
  weights?: Readonly<Record<string, number>>;
  /** Stops the run between questions (Ctrl-C): the throwaway stores are still removed. */
  signal?: AbortSignal;
  /** Progress lines (the CLI writes them to stderr). */
  progress?: (line: string) => void;
}

export interface MethodReport {
  all: Summary;
  byType: Record<string, Summary>;
  /** Time of one question's search (query embedding, tiers, fusion), ms. */
  searchMs: { p50: number; p95: number };
}

export interface EvalReport {
  format: EvalFormat;
  k: number;
  conversations: number;
  turns: number;
  questions: number;
  /** Questions scored (evidence turns or answer sessions to find). */
  scored: number;
  /** Abstention questions: nothing to find, skipped. */
  abstention: number;
  /** Questions naming no evidence turn and no session (after unresolved references were dropped), skipped. */
  noEvidence: number;
  unresolvedEvidence: number;
  emptyTurns: number;
  /** Turns longer than a memory may be (32 768 characters), remembered cut to that length. */
  truncatedTurns: number;
  /** Evidence turns dated after their question: not yet known when it is asked, so hybrid recall (asked at the date) cannot find them. */
  lateEvidence: number;
  methods: Partial<Record<EvalMethod, MethodReport>>;
  /** T3's embedder (its id, e.g. hashed-v1-256), when hybrid recall ran. */
  embedder?: string;
  /** Wall time of remembering every conversation (import, T3 and T4 indexing), s. */
  ingestSeconds: number;
}

const PARTITION = 'eval';

interface Ranked {
  type: string;
  scores: Partial<Record<EvalMethod, QuestionScore>>;
}

function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OctantError('E_MEMORY_EVAL_STOPPED', 'memory eval: stopped before the end; nothing measured is printed, the throwaway stores are removed', { exit: EXIT.interrupted });
}

function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Tally {
  ranked: Ranked[];
  ms: Record<EvalMethod, number[]>;
  truncated: number;
  late: number;
  ingestMs: number;
  embedder?: string;
}

/** Shared by every conversation's store: started once, not per conversation. */
interface Pools {
  embed: WorkerPool;
  store: WorkerPool;
  graph: WorkerPool;
  makeEmbedder: (workers: WorkerPool) => Embedder;
}

/** One conversation: remembered, asked, scored, thrown away. */
async function evalConversation(c: EvalConversation, dir: string, pools: Pools | undefined, options: EvalOptions, out: Tally): Promise<void> {
  const memoryId = c.turns.map((_, i) => `t${i}`);
  const turnOf = new Map(c.turns.map((t, i) => [memoryId[i], t.id]));
  const sessionOf = new Map(c.turns.map((t) => [t.id, t.session]));
  const saidAt = new Map(c.turns.map((t) => [t.id, t.at]));
  const texts = c.turns.map((t) => {
    if (t.text.length <= LIMITS.text) return t.text;
    out.truncated++;
    return t.text.slice(0, LIMITS.text);
  });
  const asked = c.questions.filter((q) => !q.abstain && (q.evidence.length > 0 || q.sessions.length > 0));
  if (asked.length === 0) return;

  const db = new DatabaseSync(':memory:');
  const bm25 = new Bm25Tier(db);
  let now = c.turns.reduce((latest, t) => Math.max(latest, t.at), 0);
  const started = performance.now();
  let hybrid: { store: ContextStoreApi; close(): Promise<void> } | undefined;
  try {
    if (options.methods.includes('bm25')) bm25.addMany(c.turns.map((_, i) => ({ partition: PARTITION, id: memoryId[i], text: texts[i] })));
    if (pools !== undefined) {
      mkdirSync(join(dir, 'memory'), { recursive: true, mode: 0o700 });
      // Loaded here, not with the module: the tiers' code is evaluated in the run, never in the startup snapshot.
      const { openRecallTiers } = await import('../recall-tiers.ts');
      const tiers = await openRecallTiers({ file: join(dir, 'tiers.sqlite'), workers: pools.embed, graphWorkers: pools.graph, ...(options.weights === undefined ? {} : { fusion: { weights: options.weights } }), embedder: (workers) => {
        const embedder = pools.makeEmbedder(workers);
        out.embedder = embedder.id;
        return embedder;
      } });
      const store = createContextStore({ dir: join(dir, 'memory'), durability: 'normal', workers: pools.store, tiers: tiers.tiers, fuse: tiers.fuse, now: () => now });
      hybrid = { store, close: async () => { await store.close(); await tiers.close(); } };
      // The export format (docs/memory.md "Export and import"): each turn a memory, said (valid and recorded) at its date.
      const lines = [JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, partition: PARTITION, exportedAt: now, memories: c.turns.length })];
      c.turns.forEach((t, i) => lines.push(JSON.stringify({ id: memoryId[i], kind: 'turn', text: texts[i], importance: 0.5, pinned: false, createdAt: t.at, versions: [{ validFrom: t.at, recordedAt: t.at }] } satisfies ExportLine)));
      await store.importLines(PARTITION, lines);
      await tiers.embedders.settled(PARTITION);
    }
    out.ingestMs += performance.now() - started;
    for (const q of asked) {
      stopIfAborted(options.signal);
      out.late += q.evidence.filter((id) => (saidAt.get(id) ?? 0) > q.at).length;
      now = q.at;
      const ranked: Ranked = { type: q.type, scores: {} };
      for (const method of options.methods) {
        const t = performance.now();
        const ids = method === 'bm25'
          ? bm25.search(PARTITION, q.text, options.k).map((h) => h.id)
          // As of the question's date, in both times: what had been said (and so was known) by then.
          : (await hybrid?.store.search(PARTITION, q.text, { k: options.k, asOf: { validAt: q.at, knownAt: q.at } }) ?? []).map((h) => h.memory.id);
        out.ms[method].push(performance.now() - t);
        const turns = ids.flatMap((id) => turnOf.get(id) ?? []);
        ranked.scores[method] = scoreQuestion(turns, q.evidence, q.sessions, (id) => sessionOf.get(id), options.k);
      }
      out.ranked.push(ranked);
    }
  } finally {
    await hybrid?.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runMemoryEval(set: EvalSet, options: EvalOptions): Promise<EvalReport> {
  const root = mkdtempSync(join(options.workDir ?? tmpdir(), 'octant-memory-eval-'));
  let pools: Pools | undefined;
  const out: Tally = { ranked: [], ms: { hybrid: [], bm25: [] }, truncated: 0, late: 0, ingestMs: 0 };
  const questions = set.conversations.reduce((n, c) => n + c.questions.length, 0);
  const turns = set.conversations.reduce((n, c) => n + c.turns.length, 0);
  try {
    if (options.methods.includes('hybrid')) {
      const { builtinEmbedder, embedWorkers } = await import('../vectors/builtin-embedder.ts');
      const { graphExtractWorkers } = await import('../recall-tiers.ts');
      pools = { embed: embedWorkers(), store: importWorkers(), graph: graphExtractWorkers(), makeEmbedder: options.embedder ?? ((workers) => builtinEmbedder({ workers })) };
    }
    let told = performance.now();
    let done = 0;
    for (const [i, c] of set.conversations.entries()) {
      stopIfAborted(options.signal);
      await evalConversation(c, join(root, `c${i}`), pools, options, out);
      done += c.turns.length;
      if (performance.now() - told > 2000 || i === set.conversations.length - 1) {
        told = performance.now();
        options.progress?.(`memory eval: ${i + 1}/${set.conversations.length} conversations, ${done}/${turns} turns remembered, ${out.ranked.length} questions asked`);
      }
    }
  } finally {
    await pools?.embed.close();
    await pools?.store.close();
    await pools?.graph.close();
    rmSync(root, { recursive: true, force: true });
  }
  const abstention = set.conversations.reduce((n, c) => n + c.questions.filter((q) => q.abstain).length, 0);
  const methods: Partial<Record<EvalMethod, MethodReport>> = {};
  for (const method of options.methods) {
    const byType: Record<string, Summary> = {};
    for (const type of [...new Set(out.ranked.map((r) => r.type))].sort()) byType[type] = summarize(out.ranked.filter((r) => r.type === type).flatMap((r) => r.scores[method] ?? []));
    methods[method] = { all: summarize(out.ranked.flatMap((r) => r.scores[method] ?? [])), byType, searchMs: { p50: percentile(out.ms[method], 50), p95: percentile(out.ms[method], 95) } };
  }
  return {
    format: set.format, k: options.k, conversations: set.conversations.length, turns, questions,
    scored: out.ranked.length, abstention, noEvidence: questions - abstention - out.ranked.length,
    unresolvedEvidence: set.unresolvedEvidence, emptyTurns: set.emptyTurns, truncatedTurns: out.truncated, lateEvidence: out.late,
    methods, ...(out.embedder !== undefined ? { embedder: out.embedder } : {}), ingestSeconds: out.ingestMs / 1000,
  };
}

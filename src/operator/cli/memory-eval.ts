// octant memory eval: how well this executable's memory finds what a
// conversational memory benchmark asks about (docs/memory.md "Measuring
// recall on a public benchmark"). Each conversation of the file is
// remembered by a throwaway store built from the context service's own
// code (no running system needed), each question is asked at its date, and
// recall@k / all@k / NDCG@k of the evidence turns and session recall@k
// are printed by question type, for hybrid recall and for plain BM25 in the
// same run. Progress goes to stderr, figures to stdout.

import { resolve } from 'node:path';
import { boolFlag, choiceFlag, integerFlag, requirePositional, stringFlag } from '../../lib/args.ts';
import { EXIT, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import type { EvalMethod, EvalReport } from '../../services/context/api.ts';
import { loadConfig } from '../../runtime/config.ts';
import { SERVICES } from '../service-table.ts';
import type { Action } from './command.ts';

const FORMAT_NAMES: Record<string, string> = { longmemeval: 'LongMemEval', locomo: 'LoCoMo', jsonl: 'JSON lines' };

function printTable(io: Io, report: EvalReport): void {
  const f = (n: number): string => n.toFixed(3);
  const k = report.k;
  writeLine(io.stdout, `${FORMAT_NAMES[report.format]}: ${report.conversations} conversations, ${report.turns} turns remembered; ${report.questions} questions: ${report.scored} scored, ${report.abstention} abstention (nothing to find: skipped)${report.noEvidence > 0 ? `, ${report.noEvidence} naming no evidence (skipped)` : ''}`);
  const notes = [
    report.unresolvedEvidence > 0 ? `${report.unresolvedEvidence} evidence references naming no turn dropped` : '',
    report.emptyTurns > 0 ? `${report.emptyTurns} empty turns not remembered` : '',
    report.truncatedTurns > 0 ? `${report.truncatedTurns} turns cut to 32768 characters` : '',
    report.lateEvidence > 0 ? `${report.lateEvidence} evidence turns dated after their question: not known yet when it is asked` : '',
  ].filter((x) => x !== '');
  if (notes.length > 0) writeLine(io.stdout, `(${notes.join('; ')})`);
  const methods = Object.keys(report.methods).flatMap((m): EvalMethod[] => (m === 'hybrid' || m === 'bm25' ? [m] : []));
  writeLine(io.stdout, `| question type | questions | method | recall@${k} | all@${k} | NDCG@${k} | session recall@${k} |`);
  writeLine(io.stdout, '|---|---|---|---|---|---|---|');
  const types = Object.keys(report.methods[methods[0]]?.byType ?? {});
  for (const type of [...types, 'all']) {
    for (const method of methods) {
      const r = report.methods[method];
      const s = type === 'all' ? r?.all : r?.byType[type];
      if (s === undefined) continue;
      const label = method === 'bm25' ? 'plain BM25' : 'hybrid';
      const turns = s.questions > 0 ? `${f(s.recall)} | ${f(s.all)} | ${f(s.ndcg)}` : '— | — | —';
      writeLine(io.stdout, `| ${safeField(type)} | ${s.questions || s.sessionQuestions} | ${label} | ${turns} | ${s.sessionQuestions > 0 ? f(s.sessionRecall) : '—'} |`);
    }
  }
  const hybrid = report.methods.hybrid?.all;
  const bm25 = report.methods.bm25?.all;
  if (hybrid !== undefined && bm25 !== undefined && bm25.recall > 0) writeLine(io.stdout, `hybrid vs plain BM25, recall@${k} over all scored questions: ${(hybrid.recall / bm25.recall).toFixed(2)}x`);
  const times = methods.flatMap((m) => {
    const ms = report.methods[m]?.searchMs;
    return ms === undefined ? [] : [`${m === 'bm25' ? 'plain BM25' : 'hybrid'} p50 ${ms.p50.toFixed(2)} ms, p95 ${ms.p95.toFixed(2)} ms`];
  });
  if (report.embedder !== undefined) writeLine(io.stdout, `T3 embedder: ${safeField(report.embedder)}`);
  writeLine(io.stdout, `remembering took ${report.ingestSeconds.toFixed(1)} s; a question's search: ${times.join('; ')}`);
}

/** `--weights t2=1,t3=1,t4=3`: each a tier of the fusion and a weight from 0 to 100. */
export function fusionWeights(value: string | undefined): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw usageError('memory eval: --weights expects tier=weight pairs, e.g. t2=1,t3=1,t4=1');
  const out: Record<string, number> = {};
  for (const pair of value.split(',')) {
    const [tier, weight, ...rest] = pair.split('=').map((x) => x.trim());
    const w = Number(weight);
    if (!['t2', 't3', 't4'].includes(tier) || rest.length > 0) throw usageError(`memory eval: --weights: ${JSON.stringify(safeField(pair.slice(0, 40)))}: the tier must be t2, t3 or t4 (tier=weight)`);
    if (weight === undefined || weight === '' || !Number.isFinite(w) || w < 0 || w > 100) throw usageError(`memory eval: --weights: ${JSON.stringify(safeField(pair.slice(0, 40)))}: the weight must be a number from 0 to 100`);
    out[tier] = w;
  }
  return out;
}

export const memoryEval: Action = {
  name: 'eval',
  summary: 'recall on a conversational memory benchmark (LongMemEval, LoCoMo, ours) by a throwaway store, against plain BM25',
  synopsis: ['FILE [--format longmemeval|locomo|jsonl] [--k N] [--method hybrid|bm25|all] [--weights t2=W,t3=W,t4=W] [--json]'],
  options: {
    format: { type: 'string', value: 'F', help: 'longmemeval, locomo or jsonl (default: detected from the file)' },
    k: { type: 'string', value: 'N', help: 'how many turns each question retrieves (default 10)' },
    method: { type: 'string', value: 'M', help: 'hybrid (the service\'s recall), bm25 (plain FTS5 BM25) or all (both, the default)' },
    embedder: { type: 'string', value: 'E', help: 'T3\'s embedder: builtin (default) or configured (services.context.embedder of this root\'s octant.yaml, e.g. a local model)' },
    weights: { type: 'string', value: 'W', help: 'the hybrid fusion\'s tier weights, e.g. t2=1,t3=1,t4=1 (default the service\'s: services.context.fusion)' },
    json: { type: 'boolean', help: 'print the figures as JSON' },
  },
  notes: `Each conversation is remembered by a store built from the context service's code in a
temporary directory (removed after), with no running system. Scored: recall@k, all@k and
NDCG@k of the evidence turns, session recall@k. Abstention questions (LongMemEval ids
ending _abs, LoCoMo category 5) have nothing to find and are skipped, counted. Answer
accuracy is not measured (it needs a model to answer and a judge).`,
  async run(parsed, ctx) {
    const { io } = ctx;
    const context = await import('../../services/context/api.ts');
    const file = requirePositional(parsed, 0, 'FILE (a LongMemEval or LoCoMo JSON file, or JSON lines)', 'memory eval');
    const format = choiceFlag(parsed, 'format', 'memory eval', context.EVAL_FORMATS);
    const k = integerFlag(parsed, 'k', 'memory eval', 1, 1000) ?? 10;
    const method = choiceFlag(parsed, 'method', 'memory eval', ['hybrid', 'bm25', 'all'] as const) ?? 'all';
    const embedderChoice = choiceFlag(parsed, 'embedder', 'memory eval', ['builtin', 'configured'] as const) ?? 'builtin';
    const weights = fusionWeights(stringFlag(parsed, 'weights'));
    const set = context.readEvalFile(resolve(io.cwd, file), format);
    // The operator's embedder as the service would make it (a missing local model is refused here, before any work).
    const configured = embedderChoice === 'configured' ? context.configuredEmbedder((await loadConfig(ctx.paths(), SERVICES)).services.context) : undefined;
    io.stderr.write(`memory eval: read ${set.conversations.length} conversations (${set.format})\n`);
    // Ctrl-C stops between questions, so the throwaway stores are removed before the exit.
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let report: EvalReport;
    try {
      report = await context.runMemoryEval(set, {
        k,
        methods: method === 'all' ? context.EVAL_METHODS : [method],
        signal: stop.signal,
        ...(configured !== undefined ? { embedder: configured.make } : {}),
        ...(weights !== undefined ? { weights } : {}),
        progress: (line) => io.stderr.write(`${line}\n`),
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await configured?.close();
    }
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, report);
    else printTable(io, report);
    return EXIT.ok;
  },
};

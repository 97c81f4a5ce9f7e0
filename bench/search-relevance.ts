// Search relevance on Cranfield 1400 (bench/data/cranfield): nDCG@10, MAP
// and recall@100 of the plain FTS5 BM25 baseline and of the local engine's
// ranking (src/services/search/rank), measured in the same run; the ratio
// is ours over the baseline. Figures: docs/benchmarks.md, "Search relevance".
//   node bench/search-relevance.ts [--per-query] [--variants]

import { join } from 'node:path';
import { loadCranfield } from '../src/services/search/eval/cranfield.ts';
import { evaluate, type Evaluation } from '../src/services/search/eval/evaluate.ts';
import { DEFAULT_RANK_PARAMS } from '../src/services/search/rank/defaults.ts';
import { rankQuery, type RankParams } from '../src/services/search/rank/ranker.ts';
import { buildBenchIndex } from './search-relevance-fts.ts';

const collection = loadCranfield(join(import.meta.dirname, 'data/cranfield'));
const index = buildBenchIndex(collection.docs);

function measure(rank: (text: string) => string[]): Evaluation & { ms: number } {
  const run = new Map<string, string[]>();
  const start = performance.now();
  for (const q of collection.queries) run.set(q.id, rank(q.text).slice(0, 1000));
  return { ...evaluate(run, collection.qrels), ms: (performance.now() - start) / collection.queries.length };
}

const ours = (params: RankParams) => (text: string): string[] => rankQuery(index.analyze(text), index.source, params).map((s) => s.id);
const base = DEFAULT_RANK_PARAMS;
const rows: [string, Evaluation & { ms: number }][] = [['plain FTS5 bm25() (baseline)', measure((t) => index.baseline(t, 1000))]];
// Each component added in turn; the last row is the default ranking.
rows.push(['BM25F (title x2)', measure(ours({ ...base, proximity: undefined, rm3: undefined, regularize: undefined }))]);
rows.push(['+ proximity', measure(ours({ ...base, rm3: undefined, regularize: undefined }))]);
rows.push(['+ RM3 feedback', measure(ours({ ...base, regularize: undefined }))]);
if (process.argv.includes('--variants')) {
  // Sensitivity: how much the figures move when a parameter moves.
  const rm3 = base.rm3 ?? DEFAULT_RANK_PARAMS.rm3;
  const reg = base.regularize;
  if (rm3 !== undefined && reg !== undefined) {
    rows.push(['  variant: RM3 10 terms', measure(ours({ ...base, rm3: { ...rm3, feedbackTerms: 10 } }))]);
    rows.push(['  variant: RM3 fused with first pass', measure(ours({ ...base, fuse: true }))]);
    rows.push(['  variant: regularisation alpha 0.3', measure(ours({ ...base, regularize: { ...reg, alpha: 0.3 } }))]);
    rows.push(['  variant: regularisation depth 50, 5 neighbours', measure(ours({ ...base, regularize: { ...reg, depth: 50, neighbours: 5 } }))]);
    rows.push(['  variant: regularisation without RM3', measure(ours({ ...base, rm3: undefined }))]);
    rows.push(['  variant: BM25F k1 0.9 b 0.4', measure(ours({ ...base, bm25f: { k1: 0.9, fields: { title: { weight: 2, b: 0.4 }, body: { weight: 1, b: 0.4 } } } }))]);
  }
}
rows.push(['+ regularisation = ours (default ranking)', measure(ours(base))]);

const baseline = rows[0][1];
const f = (n: number): string => n.toFixed(4);
console.log(`Cranfield 1400: ${collection.docs.length} documents, ${baseline.queries} judged queries`);
console.log('| Ranking | nDCG@10 | MAP | recall@100 | nDCG@10 vs baseline | ms/query |');
console.log('|---|---|---|---|---|---|');
for (const [name, e] of rows) console.log(`| ${name} | ${f(e.ndcg10)} | ${f(e.map)} | ${f(e.recall100)} | ${(e.ndcg10 / baseline.ndcg10).toFixed(2)}x | ${e.ms.toFixed(2)} |`);
if (process.argv.includes('--per-query')) {
  const last = rows[rows.length - 1][1];
  for (const [i, q] of last.perQuery.entries()) console.log(`${q.query}\tbaseline ${f(baseline.perQuery[i].ndcg10)}\tours ${f(q.ndcg10)}\tAP ${f(q.ap)}`);
}
index.close();

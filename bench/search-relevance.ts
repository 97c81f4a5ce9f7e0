// Search relevance on Cranfield 1400 (bench/data/cranfield): nDCG@10, MAP
// and recall@100 of plain FTS5 BM25 (the baseline, search-relevance-fts.ts)
// and of the local engine's ranking over the engine's own index and
// analyzer (src/services/search/rank, through eval/run-collection.ts, the
// code `octant search eval` runs), measured in the same run; the ratio is
// over the baseline. Figures: docs/benchmarks.md, "Search relevance".
//   node bench/search-relevance.ts [--parts] [--variants]
// --parts adds each component in turn; --variants moves one parameter at a
// time (sensitivity; slow on a loaded machine).

import { join } from 'node:path';
import { loadCranfield } from '../src/services/search/eval/cranfield.ts';
import { evaluate, type Evaluation } from '../src/services/search/eval/evaluate.ts';
import { indexCollection, runQueries } from '../src/services/search/eval/run-collection.ts';
import { DEFAULT_RANK_PARAMS as base } from '../src/services/search/rank/defaults.ts';
import type { RankParams } from '../src/services/search/rank/ranker.ts';
import { buildBaseline } from './search-relevance-fts.ts';

const collection = loadCranfield(join(import.meta.dirname, 'data/cranfield'));
const baselineIndex = buildBaseline(collection.docs);
const engineIndex = indexCollection(collection.docs);
const { queries } = collection;

type Row = [string, Evaluation & { ms: number }];
function measure(name: string, rank: () => ReadonlyMap<string, readonly string[]>): Row {
  const start = performance.now();
  const run = rank();
  return [name, { ...evaluate(run, collection.qrels), ms: (performance.now() - start) / queries.length }];
}
const ours = (name: string, params: RankParams): Row => measure(name, () => runQueries(engineIndex.index, queries, 'default', 1000, params));

const rows: Row[] = [
  measure('plain FTS5 bm25(), porter, OR of the words (baseline)', () => new Map(queries.map((q) => [q.id, baselineIndex.rank(q.text, 1000)]))),
  measure("bm25() over the engine's index (its analyzer, title x4)", () => runQueries(engineIndex.index, queries, 'bm25')),
];
if (process.argv.includes('--parts')) {
  rows.push(ours('BM25F (title x2)', { ...base, proximity: undefined, rm3: undefined, regularize: undefined }));
  rows.push(ours('+ proximity', { ...base, rm3: undefined, regularize: undefined }));
  rows.push(ours('+ RM3 feedback', { ...base, regularize: undefined }));
}
const { rm3, regularize } = base;
if (process.argv.includes('--variants') && rm3 !== undefined && regularize !== undefined) {
  rows.push(ours('  variant: depth 100 (candidates per pass)', { ...base, depth: 100 }));
  rows.push(ours('  variant: RM3 10 terms', { ...base, rm3: { ...rm3, feedbackTerms: 10 } }));
  rows.push(ours('  variant: regularisation alpha 0.3', { ...base, regularize: { ...regularize, alpha: 0.3 } }));
  rows.push(ours('  variant: regularisation without RM3', { ...base, rm3: undefined }));
  rows.push(ours('  variant: BM25F k1 0.9 b 0.4', { ...base, bm25f: { k1: 0.9, fields: { title: { weight: 2, b: 0.4 }, body: { weight: 1, b: 0.4 } } } }));
}
rows.push(ours('ours: the default ranking', base));

const baseline = rows[0][1];
const f = (n: number): string => n.toFixed(4);
console.log(`Cranfield 1400: ${collection.docs.length} documents, ${baseline.queries} judged queries`);
console.log('| Ranking | nDCG@10 | MAP | recall@100 | nDCG@10 vs baseline | ms/query |');
console.log('|---|---|---|---|---|---|');
for (const [name, e] of rows) console.log(`| ${name} | ${f(e.ndcg10)} | ${f(e.map)} | ${f(e.recall100)} | ${(e.ndcg10 / baseline.ndcg10).toFixed(2)}x | ${e.ms.toFixed(1)} |`);
baselineIndex.close();
engineIndex.close();

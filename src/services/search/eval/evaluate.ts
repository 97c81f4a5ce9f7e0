// Evaluates a run against qrels: the measures per query and their means.
// Which queries count: every query of the qrels with at least one relevant
// document; a query the run does not answer scores 0 on every measure
// (trec_eval -c). Queries the qrels do not judge are ignored.

import type { Qrels, Run } from './judgments.ts';
import { averagePrecision, ndcgAt, recallAt, relevantCount } from './metrics.ts';

export interface QueryScores {
  query: string;
  ndcg10: number;
  ap: number;
  recall100: number;
  relevant: number;
}

export interface Evaluation {
  /** Sorted by query id (numerically when ids are numbers). */
  perQuery: QueryScores[];
  queries: number;
  ndcg10: number;
  map: number;
  recall100: number;
}

function byQueryId(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a < b ? -1 : a > b ? 1 : 0;
}

export function evaluate(run: Run, qrels: Qrels): Evaluation {
  const perQuery: QueryScores[] = [];
  for (const [query, judged] of qrels) {
    const relevant = relevantCount(judged);
    if (relevant === 0) continue;
    const ranked = run.get(query) ?? [];
    perQuery.push({ query, relevant, ndcg10: ndcgAt(ranked, judged, 10), ap: averagePrecision(ranked, judged), recall100: recallAt(ranked, judged, 100) });
  }
  perQuery.sort((a, b) => byQueryId(a.query, b.query));
  const mean = (pick: (q: QueryScores) => number): number => perQuery.length === 0 ? 0 : perQuery.reduce((s, q) => s + pick(q), 0) / perQuery.length;
  return { perQuery, queries: perQuery.length, ndcg10: mean((q) => q.ndcg10), map: mean((q) => q.ap), recall100: mean((q) => q.recall100) };
}

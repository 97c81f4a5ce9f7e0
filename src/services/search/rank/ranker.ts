// The local engine's ranking: one bounded pipeline per query.
//  1. candidates: the index's own bm25() top `depth` for the OR of the terms;
//  2. first pass: BM25F over the fields + term proximity (BM25TP);
//  3. feedback: RM3 from the first pass's top documents; the expanded query
//     fetches its own candidates (same depth) and is scored again (BM25F with
//     the expanded weights + proximity of the original terms);
//  4. regularisation: each pass's top documents' scores smoothed with their
//     nearest neighbours' among them (the cluster hypothesis);
//  5. fusion: reciprocal rank fusion of the first and second passes, and of
//     any further ranked lists the caller brings (a vector search, later).
// Work per query: at most 2 x depth documents analyzed and scored, and
// regularize.depth^2 / 2 vector products per pass; nothing grows with the
// collection except the two bounded candidate queries.

import { bm25f, idf } from './bm25f.ts';
import { reciprocalRankFusion, type RankedList } from './fusion.ts';
import { proximityScore, type ProximityParams } from './proximity.ts';
import { regularize, type RegularizeParams } from './regularize.ts';
import { expandRm3, type Rm3Params } from './rm3.ts';
import type { RankSource } from './source.ts';
import { byScore, type Bm25fParams, type Scored, type TermDoc, type WeightedTerm } from './types.ts';

export interface RankParams {
  /** Candidates taken from the index per pass (the bound on per-query work). */
  depth: number;
  bm25f: Bm25fParams;
  /** Absent: no proximity term. */
  proximity?: ProximityParams;
  /** Absent: no feedback pass. */
  rm3?: Rm3Params;
  /**
   * Candidates the expanded query fetches from the index beside the first
   * pass's (0: the feedback pass re-scores the first pass's candidates only).
   * An OR of twenty-odd terms matches much of a large index, and FTS5 scores
   * every match to sort them, so this is the costliest query of the pipeline.
   */
  feedbackDepth: number;
  /** Fuse the first and the feedback pass (true), or return the feedback pass alone. */
  fuse: boolean;
  /** Absent: the last pass's scores are not smoothed over similar documents. */
  regularize?: RegularizeParams;
}

/** The query's terms with weights: a term typed twice weighs twice. */
export function queryTerms(terms: readonly string[]): WeightedTerm[] {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([term, weight]) => ({ term, weight }));
}

function scorePass(query: readonly WeightedTerm[], original: readonly WeightedTerm[], docs: Iterable<TermDoc>, source: RankSource, params: RankParams): Scored[] {
  const idfs = new Map<string, number>();
  const idfOf = (term: string): number => {
    let v = idfs.get(term);
    if (v === undefined) idfs.set(term, v = idf(source.stats, term));
    return v;
  };
  const out: Scored[] = [];
  for (const doc of docs) {
    let score = bm25f(query, doc, source.stats, params.bm25f, idfOf);
    if (params.proximity !== undefined) score += proximityScore(original, doc, source.stats, params.proximity, (t) => t.weight * idfOf(t.term));
    if (score > 0) out.push({ id: doc.id, score });
  }
  return out.sort(byScore);
}

function fetch(source: RankSource, terms: readonly WeightedTerm[], depth: number, cache: Map<string, TermDoc>): TermDoc[] {
  const ids = source.candidates(terms.map((t) => t.term), depth);
  const missing = ids.filter((id) => !cache.has(id));
  if (missing.length > 0) for (const [id, doc] of source.docs(missing)) cache.set(id, doc);
  return ids.flatMap((id) => cache.get(id) ?? []);
}

/** Ranks the documents for analyzed query terms; `extra` lists join the fusion. */
export function rankQuery(terms: readonly string[], source: RankSource, params: RankParams, extra: readonly RankedList[] = []): Scored[] {
  const query = queryTerms(terms);
  if (query.length === 0) return [];
  const cache = new Map<string, TermDoc>();
  const first = scorePass(query, query, fetch(source, query, params.depth, cache), source, params);
  let lists: Scored[][] = [first];
  if (params.rm3 !== undefined && first.length > 0) {
    const expanded = expandRm3(query, first, cache, source.stats, params.rm3);
    const pool = new Map(params.feedbackDepth > 0 ? fetch(source, expanded, params.feedbackDepth, cache).map((d) => [d.id, d]) : []);
    for (const s of first) pool.set(s.id, cache.get(s.id) ?? { id: s.id, fields: {} });
    // Proximity counts the typed terms only, at their weights in the expanded query (one scale for both parts).
    const typed = expanded.filter((t) => query.some((q) => q.term === t.term));
    const second = scorePass(expanded, typed, pool.values(), source, params);
    lists = params.fuse ? [first, second] : [second];
  }
  const smoothing = params.regularize;
  if (smoothing !== undefined) lists = lists.map((l) => regularize(l, cache, source.stats, smoothing));
  return lists.length === 1 && extra.length === 0 ? lists[0] : reciprocalRankFusion([...lists.map((l) => ({ ids: l.map((s) => s.id) })), ...extra]);
}

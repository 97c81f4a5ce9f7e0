// BM25F (Robertson, Zaragoza, Taylor, "Simple BM25 extension to multiple
// weighted fields", CIKM 2004; Zaragoza et al., TREC 2004): each field's
// term frequency is normalised by that field's length, weighted, and summed
// into one pseudo-frequency BEFORE saturation, so a term that appears in
// the title and the body is not counted as two independent pieces of
// evidence (which summing per-field BM25 scores, as FTS5's bm25() with
// column weights does, would do).

import type { Bm25fParams, CollectionStats, TermDoc, WeightedTerm } from './types.ts';

/** Robertson-Sparck Jones idf with +1 inside the log (Lucene's), so it is never negative. */
export function idf(stats: CollectionStats, term: string): number {
  const df = stats.docFreq(term);
  return Math.log(1 + (stats.docCount - df + 0.5) / (df + 0.5));
}

/**
 * Term counts of one document restricted to the terms asked for, per field;
 * computed once per document and shared by every scorer.
 */
export function fieldCounts(doc: TermDoc, terms: ReadonlySet<string>): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [field, tokens] of Object.entries(doc.fields)) {
    const counts = new Map<string, number>();
    for (const t of tokens) if (terms.has(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
    out.set(field, counts);
  }
  return out;
}

/** The document's BM25F score for a weighted query. */
export function bm25f(query: readonly WeightedTerm[], doc: TermDoc, stats: CollectionStats, params: Bm25fParams, idfOf: (term: string) => number = (t) => idf(stats, t)): number {
  const counts = fieldCounts(doc, new Set(query.map((q) => q.term)));
  let score = 0;
  for (const { term, weight } of query) {
    let tf = 0;
    for (const [field, { weight: fieldWeight, b }] of Object.entries(params.fields)) {
      const n = counts.get(field)?.get(term) ?? 0;
      if (n === 0) continue;
      const avg = stats.avgFieldLength[field] || 1;
      const len = doc.fields[field]?.length ?? 0;
      tf += fieldWeight * n / (1 - b + b * len / avg);
    }
    if (tf > 0) score += weight * idfOf(term) * tf * (params.k1 + 1) / (params.k1 + tf);
  }
  return score;
}

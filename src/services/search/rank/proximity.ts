// Term proximity, after Rasolofo and Savoy ("Term proximity scoring for
// keyword-based retrieval systems", ECIR 2003, the BM25TP model): every
// occurrence of two different query terms at most `window` positions apart
// adds 1/d^2 to that pair's accumulator (d = distance); the accumulator is
// saturated like a BM25 term frequency and weighted by the smaller of the two
// terms' weights. Documents where the query's words stand together (a
// phrase, a compound) rise above documents that merely contain them.

import type { CollectionStats, TermDoc, WeightedTerm } from './types.ts';

export interface ProximityParams {
  /** Share of the proximity score in the document's score, relative to BM25F's. */
  weight: number;
  /** Largest distance counted (Rasolofo and Savoy: 5). */
  window: number;
  k1: number;
  b: number;
  /**
   * 'all': every pair of query terms (BM25TP); 'adjacent': only terms next to
   * each other in the query (the pairs of the sequential dependence model,
   * Metzler and Croft, SIGIR 2005), which keeps long queries from rewarding
   * chance co-occurrence of words the user did not write together.
   */
  pairs: 'all' | 'adjacent';
  /** Fields searched for pairs (a pair never spans two fields). */
  fields: readonly string[];
}

/** term -> sorted positions in one field. */
function positions(tokens: readonly string[], terms: ReadonlySet<string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  tokens.forEach((t, i) => {
    if (!terms.has(t)) return;
    const list = out.get(t);
    if (list === undefined) out.set(t, [i]);
    else list.push(i);
  });
  return out;
}

/** Sum of 1/d^2 over occurrences of a and b at distance 1..window (both lists sorted). */
export function pairAccumulator(a: readonly number[], b: readonly number[], window: number): number {
  let acc = 0;
  let start = 0;
  for (const p of a) {
    while (start < b.length && b[start] < p - window) start++;
    for (let j = start; j < b.length && b[j] <= p + window; j++) {
      const d = Math.abs(b[j] - p);
      if (d > 0) acc += 1 / (d * d);
    }
  }
  return acc;
}

/**
 * The proximity score of a document for a query; `termWeight` gives each
 * term's weight (its query weight times idf, as in BM25 itself).
 */
export function proximityScore(query: readonly WeightedTerm[], doc: TermDoc, stats: CollectionStats, params: ProximityParams, termWeight: (t: WeightedTerm) => number): number {
  const terms = [...new Map(query.map((q) => [q.term, q])).values()];
  if (terms.length < 2) return 0;
  const wanted = new Set(terms.map((t) => t.term));
  let length = 0;
  let avgLength = 0;
  const accumulators = new Map<string, number>();
  for (const field of params.fields) {
    const tokens = doc.fields[field] ?? [];
    length += tokens.length;
    avgLength += stats.avgFieldLength[field] ?? 0;
    const pos = positions(tokens, wanted);
    for (let i = 0; i < terms.length; i++) {
      const pi = pos.get(terms[i].term);
      if (pi === undefined) continue;
      for (let j = i + 1; j < (params.pairs === 'adjacent' ? Math.min(i + 2, terms.length) : terms.length); j++) {
        const pj = pos.get(terms[j].term);
        if (pj === undefined) continue;
        const key = `${i} ${j}`;
        accumulators.set(key, (accumulators.get(key) ?? 0) + pairAccumulator(pi, pj, params.window));
      }
    }
  }
  const norm = params.k1 * (1 - params.b + params.b * length / (avgLength || 1));
  let score = 0;
  for (const [key, acc] of accumulators) {
    if (acc === 0) continue;
    const [i, j] = key.split(' ').map(Number);
    score += Math.min(termWeight(terms[i]), termWeight(terms[j])) * acc * (params.k1 + 1) / (norm + acc);
  }
  return params.weight * score;
}

// Reciprocal rank fusion (Cormack, Clarke, Buettcher, SIGIR 2009): a
// document's fused score is the sum over the lists holding it of
// weight / (k + rank), rank starting at 1. It needs ranks only, so lists
// whose scores are not comparable (BM25, an expanded query, a vector
// search) fuse without calibration; any number of lists may take part.

import { byScore, type Scored } from './types.ts';

export interface RankedList {
  /** Document ids, best first. */
  ids: readonly string[];
  /** How much this list counts (1 unless there is a reason). */
  weight?: number;
}

/** k = 60 is the constant of the paper, found robust across collections there. */
export const RRF_K = 60;

export function reciprocalRankFusion(lists: readonly RankedList[], k: number = RRF_K): Scored[] {
  const scores = new Map<string, number>();
  for (const { ids, weight = 1 } of lists) {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) return; // a list that repeats a document counts it at its best rank
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1));
    });
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort(byScore);
}

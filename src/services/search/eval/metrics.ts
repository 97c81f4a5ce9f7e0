// The measures, per query, with trec_eval's definitions (trec_eval 9.x:
// m_ndcg_cut.c, m_map.c, m_recall.c). `ranked` is one query's run (best
// first), `judged` that query's judgements (gain > 0 = relevant).

/** Number of relevant documents (gain > 0) in the judgements. */
export function relevantCount(judged: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const gain of judged.values()) if (gain > 0) n++;
  return n;
}

/**
 * nDCG at k (trec_eval's ndcg_cut.k): DCG = sum over ranks i = 1..k of
 * gain_i / log2(i + 1), with the gain used linearly (not 2^gain - 1);
 * divided by the DCG of the ideal ordering of all judged gains, cut at k.
 * 0 when the query has no relevant document.
 */
export function ndcgAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const gain = judged.get(ranked[i]) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(i + 2);
  }
  const ideal = [...judged.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  return idcg === 0 ? 0 : dcg / idcg;
}

/**
 * Average precision (trec_eval's map, per query): the precision at each
 * rank holding a relevant document, summed, divided by the number of
 * relevant documents (retrieved or not). A document listed twice counts once.
 */
export function averagePrecision(ranked: readonly string[], judged: ReadonlyMap<string, number>): number {
  const total = relevantCount(judged);
  if (total === 0) return 0;
  const seen = new Set<string>();
  let found = 0;
  let sum = 0;
  let rank = 0;
  for (const doc of ranked) {
    if (seen.has(doc)) continue;
    seen.add(doc);
    rank++;
    if ((judged.get(doc) ?? 0) > 0) sum += ++found / rank;
  }
  return sum / total;
}

/** Recall at k (trec_eval's recall.k): relevant documents in the first k over all relevant ones. */
export function recallAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const total = relevantCount(judged);
  if (total === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  let found = 0;
  for (const doc of top) if ((judged.get(doc) ?? 0) > 0) found++;
  return found / total;
}

// Hits of several engines into one ranked list: reciprocal rank fusion
// (Cormack, Clarke & Büttcher, SIGIR 2009: score = Σ 1/(k + rank), k = 60),
// because engines' own scores are not comparable with each other, only
// their ranks are. The same document from two engines (the same URL, or
// the same engine and id) is one hit: it keeps the first engine's fields
// and adds the others' votes, and `meta.engines` names them all.

import type { SearchHit } from './types.ts';

const K = 60;

/** What makes two hits the same document: the URL without its fragment and trailing slash, else engine and id. */
export function hitKey(hit: SearchHit): string {
  if (hit.url !== undefined && hit.url !== '') {
    try {
      const url = new URL(hit.url);
      url.hash = '';
      const text = url.toString();
      return `url:${text.endsWith('/') ? text.slice(0, -1) : text}`;
    } catch {
      return `url:${hit.url}`; // an absolute path, or a URL the parser refuses: compared as written
    }
  }
  return `id:${hit.engine}\u0000${hit.id}`;
}

/** Fuse the ranked lists (one per engine) into one list, best first; ties keep the earlier engine's order. */
export function fuseHits(lists: readonly (readonly SearchHit[])[]): SearchHit[] {
  const fused = new Map<string, { hit: SearchHit; score: number; engines: string[]; first: number }>();
  let order = 0;
  for (const list of lists) {
    list.forEach((hit, rank) => {
      const key = hitKey(hit);
      const seen = fused.get(key);
      const vote = 1 / (K + rank + 1);
      if (seen === undefined) fused.set(key, { hit, score: vote, engines: [hit.engine], first: order++ });
      else {
        seen.score += vote;
        if (!seen.engines.includes(hit.engine)) seen.engines.push(hit.engine);
      }
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.first - b.first)
    .map(({ hit, engines }) => (engines.length === 1 ? hit : { ...hit, meta: { ...hit.meta, engines: engines.join(',') } }));
}

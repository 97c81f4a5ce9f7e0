// Hits from several engines merged into one ranked list, locally (no engine
// sees another's results): the same page found by two engines becomes one
// hit (URL normalization below), and the lists are fused by Reciprocal Rank
// Fusion (Cormack, Clarke, Büttcher, SIGIR 2009): score = Σ 1/(k + rank),
// k = 60. Engine scores are not comparable across engines (types.ts), so
// only ranks are used.

import type { SearchHit } from '../types.ts';

/** RRF's constant from the paper; larger k flattens the advantage of top ranks. */
export const RRF_K = 60;

// Parameters that track a click, not select a page.
const TRACKING = /^(?:utm_[a-z_]+|gclid|dclid|fbclid|msclkid|mc_cid|mc_eid|_ga|_gl|yclid|igshid|ref_src|spm)$/i;

/**
 * The key two URLs of the same page share: scheme and host case (and
 * http/https, and a leading www.) do not matter, nor a default port, a
 * fragment, a trailing slash, tracking parameters, or parameter order.
 * Anything that is not an http(s) URL is its own key.
 */
export function normalizeUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return url.trim();
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return u.href;
  const host = u.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  const port = u.port === '' || u.port === '80' || u.port === '443' ? '' : `:${u.port}`;
  let path = u.pathname.replace(/\/+$/, '');
  if (path === '') path = '/';
  const params = [...u.searchParams].filter(([name]) => !TRACKING.test(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.length === 0 ? '' : `?${new URLSearchParams(params).toString()}`;
  return `${host}${port}${path}${query}`;
}

function keyOf(hit: SearchHit): string {
  return hit.url !== undefined && hit.url !== '' ? `url:${normalizeUrl(hit.url)}` : `id:${hit.engine}:${hit.id}`;
}

interface Fused {
  hit: SearchHit;
  score: number;
  bestRank: number;
  engines: string[];
  order: number;
}

/**
 * One list, best first. Each merged hit is the best-ranked copy, with a
 * snippet taken from another copy if it had none, meta.engines naming every
 * engine that found it, and score the fused score.
 */
export function mergeHits(lists: SearchHit[][], k = RRF_K): SearchHit[] {
  const fused = new Map<string, Fused>();
  let order = 0;
  for (const list of lists) {
    const seen = new Set<string>();
    list.forEach((hit, index) => {
      const key = keyOf(hit);
      // One engine listing a page twice counts once, at its better rank.
      if (seen.has(key)) return;
      seen.add(key);
      const rank = index + 1;
      const f = fused.get(key);
      if (f === undefined) {
        fused.set(key, { hit, score: 1 / (k + rank), bestRank: rank, engines: [hit.engine], order: order++ });
        return;
      }
      f.score += 1 / (k + rank);
      if (!f.engines.includes(hit.engine)) f.engines.push(hit.engine);
      if (rank < f.bestRank) {
        const snippet = hit.snippet !== '' ? hit.snippet : f.hit.snippet;
        f.hit = { ...hit, snippet };
        f.bestRank = rank;
      } else if (f.hit.snippet === '' && hit.snippet !== '') {
        f.hit = { ...f.hit, snippet: hit.snippet };
      }
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || a.order - b.order)
    .map((f) => ({ ...f.hit, score: f.score, meta: { ...f.hit.meta, engines: f.engines.join(',') } }));
}

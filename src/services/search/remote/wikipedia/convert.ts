// Our query -> a list=search URL; its results -> hits. The snippet keeps
// Wikipedia's own match marks (<span class="searchmatch">) as « ».

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, str } from '../engine-http.ts';
import { markedFromHtml, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

/** A Wikipedia language edition: a plain language tag, else English. */
export function editionOf(lang: string | undefined): string {
  return lang !== undefined && /^[a-z]{2,3}(?:-[a-z]{2,8})?$/.test(lang) ? lang : 'en';
}

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL(`https://${editionOf(query.lang)}.wikipedia.org/w/api.php`);
  url.search = new URLSearchParams({
    action: 'query', list: 'search', format: 'json', formatversion: '2',
    srsearch: query.text, srlimit: String(Math.min(Math.max(query.limit, 1), 50)), sroffset: String(query.offset),
    srprop: 'snippet|timestamp|wordcount',
  }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (!isRecord(body) || !isRecord(body.query)) throw malformed(ENGINE, "no 'query' object in the answer");
  const edition = editionOf(query.lang);
  return arrayAt(ENGINE, body.query, 'search').filter(isRecord).map((r, i) => {
    const title = str(r.title);
    if (title === '') throw malformed(ENGINE, 'a result without a title');
    const meta: Record<string, string | number> = { lang: edition };
    if (typeof r.timestamp === 'string') meta.modified = r.timestamp;
    if (num(r.wordcount) !== undefined) meta.words = num(r.wordcount)!;
    return {
      id: `${edition}:${title}`,
      engine: ENGINE,
      title: plain(title),
      url: `https://${edition}.wikipedia.org/wiki/${encodeURIComponent(title.replaceAll(' ', '_'))}`,
      snippet: markedFromHtml(str(r.snippet), (name, cls) => name === 'span' && cls.split(/\s+/).includes('searchmatch')),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

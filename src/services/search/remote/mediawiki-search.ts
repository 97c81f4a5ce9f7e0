// MediaWiki's full-text search (Action API list=search, formatversion=2:
// https://www.mediawiki.org/wiki/API:Search), shared by the engines that
// search a Wikimedia project (Wikipedia, Wiktionary): the URL for a host,
// and results -> hits with MediaWiki's own match marks
// (<span class="searchmatch">) as « ».

import type { SearchHit, SearchQuery } from '../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from './engine-http.ts';
import { markedFromHtml, plain } from './snippet.ts';

/** A language edition: a plain language tag, else English (never an arbitrary host label). */
export function editionOf(lang: string | undefined): string {
  return lang !== undefined && /^[a-z]{2,3}(?:-[a-z]{2,8})?$/.test(lang) ? lang : 'en';
}

export function mediaWikiSearchUrl(host: string, query: SearchQuery): string {
  const url = new URL(`https://${host}/w/api.php`);
  url.search = new URLSearchParams({
    action: 'query', list: 'search', format: 'json', formatversion: '2',
    srsearch: query.text, srlimit: String(pageSize(query, 50)), sroffset: String(query.offset),
    srprop: 'snippet|timestamp|wordcount',
  }).toString();
  return url.href;
}

export function mediaWikiHits(engine: string, host: string, edition: string, body: unknown, query: SearchQuery): SearchHit[] {
  if (!isRecord(body) || !isRecord(body.query)) throw malformed(engine, "no 'query' object in the answer");
  return arrayAt(engine, body.query, 'search').filter(isRecord).map((r, i) => {
    const title = str(r.title);
    if (title === '') throw malformed(engine, 'a result without a title');
    const meta: Record<string, string | number> = { lang: edition };
    if (typeof r.timestamp === 'string') meta.modified = r.timestamp;
    if (num(r.wordcount) !== undefined) meta.words = num(r.wordcount)!;
    return {
      id: `${edition}:${title}`,
      engine,
      title: plain(title),
      url: `https://${host}/wiki/${encodeURIComponent(title.replaceAll(' ', '_'))}`,
      snippet: markedFromHtml(str(r.snippet), (name, cls) => name === 'span' && cls.split(/\s+/).includes('searchmatch')),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

// Our query -> /api/v1/search?q=&locale=en-US&size=&page=; documents -> hits.
// MDN's <mark> highlights become « ».

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, markedFromHtml, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 50);
  const url = new URL('https://developer.mozilla.org/api/v1/search');
  url.search = new URLSearchParams({ q: query.text, locale: 'en-US', size: String(size), page: String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 50);
  return arrayAt(ENGINE, body, 'documents').filter(isRecord).slice(query.offset % size).map((d, i) => {
    const path = str(d.mdn_url);
    const title = str(d.title);
    if (!path.startsWith('/') || title === '') throw malformed(ENGINE, 'a document without mdn_url or title');
    const fragments = isRecord(d.highlight) && Array.isArray(d.highlight.body) ? d.highlight.body.filter((f): f is string => typeof f === 'string') : [];
    return {
      id: path,
      engine: ENGINE,
      title: plain(title),
      url: `https://developer.mozilla.org${path}`,
      snippet: fragments.length > 0 ? markedFromHtml(fragments.join(' … '), (name) => name === 'mark') : marked(str(d.summary), query.text),
      score: num(d.score) ?? 1 / (query.offset + i + 1),
      meta: { locale: str(d.locale) || 'en-US' },
    };
  });
}

// Our query -> /search?q=&s=; the result page -> hits. The first page is
// asked without `s` (Mojeek rate-limits s=0, see SearXNG's note).

import type { SearchHit, SearchQuery } from '../../types.ts';
import { malformed } from '../engine-http.ts';
import { parseMarkup, selectAll, selectFirst, textOf } from '../markup.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';
import { PAGE } from './wire.ts';

const PAGE_SIZE = 10;

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://www.mojeek.com/search');
  const params = new URLSearchParams({ q: query.text });
  const start = Math.floor(query.offset / PAGE_SIZE) * PAGE_SIZE;
  if (start > 0) params.set('s', String(start + 1));
  url.search = params.toString();
  return url.href;
}

export function toHits(html: string, query: SearchQuery): SearchHit[] {
  const root = parseMarkup(html);
  if (selectFirst(root, PAGE.list) === undefined) {
    if (selectFirst(root, PAGE.noResults) !== undefined) return [];
    throw malformed(ENGINE, 'no result list (ul.results-standard) in the page');
  }
  const hits: SearchHit[] = [];
  for (const li of selectAll(root, PAGE.result)) {
    const href = selectFirst(li, PAGE.link)?.attrs.href ?? selectFirst(li, PAGE.title)?.attrs.href ?? '';
    const title = textOf(selectFirst(li, PAGE.title));
    if (!/^https?:\/\//.test(href) || title === '') continue;
    hits.push({ id: href, engine: ENGINE, title: plain(title), url: href, snippet: marked(textOf(selectFirst(li, PAGE.snippet)), query.text), score: 0 });
  }
  const skip = query.offset % PAGE_SIZE;
  return hits.slice(skip, skip + query.limit).map((h, i) => ({ ...h, score: 1 / (query.offset + i + 1) }));
}

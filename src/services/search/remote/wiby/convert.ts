// Our query -> /json/?q=&p=; results -> hits (12 a page; pages are 1-based).

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const PAGE = 12;

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://wiby.me/json/');
  const params = new URLSearchParams({ q: query.text });
  const page = Math.floor(query.offset / PAGE) + 1;
  if (page > 1) params.set('p', String(page));
  url.search = params.toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (!Array.isArray(body)) throw malformed(ENGINE, 'the answer is not a list of results');
  const skip = query.offset % PAGE;
  return body.filter(isRecord).flatMap((r) => {
    const url = str(r.URL);
    const title = textFromHtml(str(r.Title));
    return /^https?:\/\//.test(url) ? [{ url, title: title === '' ? url : title, snippet: textFromHtml(str(r.Snippet)) }] : [];
  }).slice(skip, skip + query.limit).map((r, i) => ({
    id: r.url,
    engine: ENGINE,
    title: plain(r.title),
    url: r.url,
    snippet: marked(r.snippet, query.text),
    score: 1 / (query.offset + i + 1),
  }));
}

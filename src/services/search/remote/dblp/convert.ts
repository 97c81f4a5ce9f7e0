// Our query -> /search/publ/api?q=&format=json&h=&f=; hits -> ours, with
// dblp's one-element-lists-as-objects quirk undone.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://dblp.org/search/publ/api');
  url.search = new URLSearchParams({ q: query.text, format: 'json', h: String(pageSize(query, 1000)), f: String(query.offset) }).toString();
  return url.href;
}

/** A value dblp sends as one item or a list of them, as a list. */
function listOf(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const result = isRecord(body) ? body.result : undefined;
  const hits = isRecord(result) ? result.hits : undefined;
  if (!isRecord(hits)) throw malformed(ENGINE, 'no result.hits in the answer');
  return listOf(hits.hit).filter(isRecord).map((h, i) => {
    const info = isRecord(h.info) ? h.info : {};
    const key = str(info.key);
    // Titles end with a period in dblp; a title may carry markup (sub/sup).
    const title = textFromHtml(str(info.title)).replace(/\.$/, '');
    if (key === '' || title === '') throw malformed(ENGINE, 'a hit without info.key or info.title');
    const authors = listOf(isRecord(info.authors) ? info.authors.author : undefined).map((a) => (isRecord(a) ? str(a.text) : str(a))).filter((s) => s !== '');
    const venue = listOf(info.venue).map(str).join(', ');
    const link = listOf(info.ee).map(str).find((e) => /^https:\/\//.test(e));
    const byline = [authors.slice(0, 3).join(', ') + (authors.length > 3 ? ' et al.' : ''), venue, str(info.year)].filter((s) => s !== '').join(' · ');
    const meta: Record<string, string | number> = { key, type: str(info.type) };
    if (str(info.doi) !== '') meta.doi = str(info.doi);
    if (str(info.year) !== '') meta.year = Number(str(info.year));
    return {
      id: key,
      engine: ENGINE,
      title: plain(title),
      url: link ?? (str(info.url) !== '' ? str(info.url) : `https://dblp.org/rec/${key}`),
      snippet: marked(byline, query.text),
      score: Number(str(h['@score'])) || 1 / (query.offset + i + 1),
      meta,
    };
  });
}

// Our query -> /search/?q=&fo=json&c=&sp=; items -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://www.loc.gov/search/');
  url.search = new URLSearchParams({ q: query.text, fo: 'json', c: String(size), sp: String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  return arrayAt(ENGINE, body, 'results').filter(isRecord).slice(query.offset % size).map((r, i) => {
    const title = textFromHtml(str(r.title));
    const link = (str(r.url) || str(r.id)).replace(/^http:\/\/www\.loc\.gov\//, 'https://www.loc.gov/');
    if (title === '' || !/^https:\/\//.test(link)) throw malformed(ENGINE, 'an item without a title or a loc.gov link');
    const byline = [list(r.original_format).join(', '), list(r.contributor).slice(0, 3).join('; '), str(r.date)].filter((s) => s !== '').join(' · ');
    const description = textFromHtml(list(r.description)[0] ?? '');
    return {
      id: link,
      engine: ENGINE,
      title: plain(title),
      url: link,
      snippet: marked(description !== '' ? `${byline} — ${description}` : byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta: { format: list(r.original_format).join(', ') },
    };
  });
}

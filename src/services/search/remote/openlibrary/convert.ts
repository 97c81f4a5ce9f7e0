// Our query -> /search.json?q=&limit=&offset=&fields=...; works -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const FIELDS = 'key,title,author_name,first_publish_year,edition_count,subject';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://openlibrary.org/search.json');
  url.search = new URLSearchParams({ q: query.text, limit: String(pageSize(query, 100)), offset: String(query.offset), fields: FIELDS }).toString();
  return url.href;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  return arrayAt(ENGINE, body, 'docs').filter(isRecord).map((d, i) => {
    const key = str(d.key);
    const title = str(d.title);
    if (!/^\/works\/OL\d+W$/.test(key) || title === '') throw malformed(ENGINE, 'a doc without a /works/ key or a title');
    const authors = strings(d.author_name);
    const year = num(d.first_publish_year);
    const subjects = strings(d.subject).slice(0, 5);
    const facts = [authors.join(', '), year === undefined ? '' : `first published ${year}`, `${num(d.edition_count) ?? 0} editions`, subjects.length > 0 ? `subjects: ${subjects.join(', ')}` : ''];
    const meta: Record<string, string | number> = { authors: authors.join(', ') };
    if (year !== undefined) meta.year = year;
    return {
      id: key.slice('/works/'.length),
      engine: ENGINE,
      title: plain(title),
      url: `https://openlibrary.org${key}`,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

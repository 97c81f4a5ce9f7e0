// Our query -> /books/?search=&page=; books -> hits linking to gutenberg.org.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, str } from '../engine-http.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const PAGE = 32;

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://gutendex.com/books/');
  url.search = new URLSearchParams({ search: query.text, page: String(Math.floor(query.offset / PAGE) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const skip = query.offset % PAGE;
  return arrayAt(ENGINE, body, 'results').filter(isRecord).slice(skip, skip + query.limit).map((b, i) => {
    const id = num(b.id);
    const title = str(b.title);
    if (id === undefined || title === '') throw malformed(ENGINE, 'a book without id or title');
    const authors = Array.isArray(b.authors) ? b.authors.filter(isRecord).map((a) => {
      const years = num(a.birth_year) !== undefined ? ` (${num(a.birth_year)}–${num(a.death_year) ?? ''})` : '';
      return `${str(a.name)}${years}`;
    }).filter((s) => s !== '') : [];
    const subjects = Array.isArray(b.subjects) ? b.subjects.filter((s): s is string => typeof s === 'string').slice(0, 3) : [];
    const languages = Array.isArray(b.languages) ? b.languages.filter((s): s is string => typeof s === 'string') : [];
    const facts = [authors.join('; '), subjects.join('; '), languages.join(', '), `${num(b.download_count) ?? 0} downloads`];
    return {
      id: String(id),
      engine: ENGINE,
      title: plain(title),
      url: `https://www.gutenberg.org/ebooks/${id}`,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta: { languages: languages.join(','), downloads: num(b.download_count) ?? 0 },
    };
  });
}

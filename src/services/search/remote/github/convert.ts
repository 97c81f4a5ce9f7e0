// Our query -> /search/repositories?q=&per_page=&page=; repositories -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://api.github.com/search/repositories');
  url.search = new URLSearchParams({ q: query.text, per_page: String(size), page: String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  return arrayAt(ENGINE, body, 'items').filter(isRecord).slice(query.offset % size).map((r, i) => {
    const name = str(r.full_name);
    const url = str(r.html_url);
    if (name === '' || url === '') throw malformed(ENGINE, 'a repository without full_name or html_url');
    const facts = [str(r.description)];
    if (str(r.language) !== '') facts.push(str(r.language));
    facts.push(`★ ${num(r.stargazers_count) ?? 0}`);
    if (r.archived === true) facts.push('archived');
    const meta: Record<string, string | number> = { stars: num(r.stargazers_count) ?? 0 };
    if (str(r.language) !== '') meta.language = str(r.language);
    if (str(r.updated_at) !== '') meta.updated = str(r.updated_at);
    return {
      id: name,
      engine: ENGINE,
      title: name,
      url,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: num(r.score) ?? 1 / (query.offset + i + 1),
      meta,
    };
  });
}

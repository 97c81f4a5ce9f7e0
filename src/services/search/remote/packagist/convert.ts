// Our query -> /search.json?q=&per_page=&page=; packages -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://packagist.org/search.json');
  url.search = new URLSearchParams({ q: query.text, per_page: String(size), page: String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  return arrayAt(ENGINE, body, 'results').filter(isRecord).slice(query.offset % size).map((p, i) => {
    const name = str(p.name);
    if (!/^[\w.-]+\/[\w.-]+$/.test(name)) throw malformed(ENGINE, 'a result whose name is not vendor/package');
    const abandoned = p.abandoned === true || (typeof p.abandoned === 'string' && p.abandoned !== '');
    const facts = [str(p.description), `${num(p.downloads) ?? 0} downloads`, `${num(p.favers) ?? 0} stars`, abandoned ? 'abandoned' : ''];
    const meta: Record<string, string | number> = { downloads: num(p.downloads) ?? 0 };
    if (str(p.repository) !== '') meta.repository = str(p.repository);
    return {
      id: name,
      engine: ENGINE,
      title: name,
      url: `https://packagist.org/packages/${name}`,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

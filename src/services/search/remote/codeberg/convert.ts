// Our query -> /api/v1/repos/search?q=&limit=&page=; repositories -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { EngineError } from '../engine-error.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 50);
  const url = new URL('https://codeberg.org/api/v1/repos/search');
  url.search = new URLSearchParams({ q: query.text, limit: String(size), page: String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (isRecord(body) && body.ok === false) throw new EngineError('server', ENGINE, 'the search answered ok: false');
  const size = pageSize(query, 50);
  return arrayAt(ENGINE, body, 'data').filter(isRecord).slice(query.offset % size).map((r, i) => {
    const name = str(r.full_name);
    const url = str(r.html_url);
    if (name === '' || !url.startsWith('https://')) throw malformed(ENGINE, 'a repository without full_name or html_url');
    const facts = [str(r.description), str(r.language), `★ ${num(r.stars_count) ?? 0}`, r.archived === true ? 'archived' : ''];
    const meta: Record<string, string | number> = { stars: num(r.stars_count) ?? 0 };
    if (str(r.updated_at) !== '') meta.updated = str(r.updated_at);
    return {
      id: name,
      engine: ENGINE,
      title: name,
      url,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

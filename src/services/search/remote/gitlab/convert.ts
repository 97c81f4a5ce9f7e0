// Our query -> /api/v4/projects?search=&simple=true&per_page=&page=; projects -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://gitlab.com/api/v4/projects');
  url.search = new URLSearchParams({ search: query.text, order_by: 'star_count', sort: 'desc', per_page: String(size), page: String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (!Array.isArray(body)) throw malformed(ENGINE, 'the answer is not a list of projects');
  const size = pageSize(query, 100);
  return body.filter(isRecord).slice(query.offset % size).map((p, i) => {
    const path = str(p.path_with_namespace);
    const url = str(p.web_url);
    if (path === '' || !url.startsWith('https://')) throw malformed(ENGINE, 'a project without path_with_namespace or web_url');
    const topics = Array.isArray(p.topics) ? p.topics.filter((t): t is string => typeof t === 'string') : [];
    const facts = [str(p.description).trim(), `★ ${num(p.star_count) ?? 0}`, topics.length > 0 ? `topics: ${topics.join(', ')}` : '', p.archived === true ? 'archived' : ''];
    const meta: Record<string, string | number> = { stars: num(p.star_count) ?? 0 };
    if (str(p.last_activity_at) !== '') meta.active = str(p.last_activity_at);
    return {
      id: path,
      engine: ENGINE,
      title: str(p.name_with_namespace) || path,
      url,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

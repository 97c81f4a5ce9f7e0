// Our query -> /api/v1/crates?q=&per_page=&page=; crates -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://crates.io/api/v1/crates');
  url.search = new URLSearchParams({ q: query.text, per_page: String(size), page: String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  return arrayAt(ENGINE, body, 'crates').filter(isRecord).slice(query.offset % size).map((c, i) => {
    const name = str(c.name);
    if (name === '') throw malformed(ENGINE, 'a crate without a name');
    const version = str(c.max_stable_version) || str(c.newest_version) || str(c.max_version);
    const meta: Record<string, string | number> = { version, downloads: num(c.downloads) ?? 0 };
    if (str(c.repository) !== '') meta.repository = str(c.repository);
    if (str(c.updated_at) !== '') meta.updated = str(c.updated_at);
    return {
      id: name,
      engine: ENGINE,
      title: `${name} ${version}`.trim(),
      url: `https://crates.io/crates/${encodeURIComponent(name)}`,
      snippet: marked(`${str(c.description).trim()} · ${num(c.downloads) ?? 0} downloads`, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

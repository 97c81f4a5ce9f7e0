// Our query -> /api/v1/search.json?query=&page=; gems -> hits (30 a page).

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, num, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const PAGE = 30;

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://rubygems.org/api/v1/search.json');
  url.search = new URLSearchParams({ query: query.text, page: String(Math.floor(query.offset / PAGE) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (!Array.isArray(body)) throw malformed(ENGINE, 'the answer is not a list of gems');
  const skip = query.offset % PAGE;
  return body.filter(isRecord).slice(skip, skip + query.limit).map((g, i) => {
    const name = str(g.name);
    if (name === '' || str(g.version) === '') throw malformed(ENGINE, 'a gem without name or version');
    const meta: Record<string, string | number> = { version: str(g.version), downloads: num(g.downloads) ?? 0 };
    if (str(g.source_code_uri) !== '') meta.source = str(g.source_code_uri);
    return {
      id: name,
      engine: ENGINE,
      title: `${name} ${str(g.version)}`,
      url: `https://rubygems.org/gems/${encodeURIComponent(name)}`,
      snippet: marked([str(g.info).trim(), str(g.authors) !== '' ? `by ${str(g.authors)}` : '', `${num(g.downloads) ?? 0} downloads`].filter((s) => s !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

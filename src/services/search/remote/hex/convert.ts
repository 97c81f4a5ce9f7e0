// Our query -> /api/packages?search=&sort=recent_downloads&page=; packages -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, num, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const PAGE = 100;

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://hex.pm/api/packages');
  url.search = new URLSearchParams({ search: query.text, sort: 'recent_downloads', page: String(Math.floor(query.offset / PAGE) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (!Array.isArray(body)) throw malformed(ENGINE, 'the answer is not a list of packages');
  const skip = query.offset % PAGE;
  return body.filter(isRecord).slice(skip, skip + query.limit).map((p, i) => {
    const name = str(p.name);
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw malformed(ENGINE, 'a package without a valid name');
    const meta = isRecord(p.meta) ? p.meta : {};
    const downloads = isRecord(p.downloads) ? num(p.downloads.all) ?? 0 : 0;
    const version = str(p.latest_stable_version) || str(p.latest_version);
    const out: Record<string, string | number> = { version, downloads };
    if (str(p.docs_html_url) !== '') out.docs = str(p.docs_html_url);
    return {
      id: name,
      engine: ENGINE,
      title: `${name} ${version}`.trim(),
      url: `https://hex.pm/packages/${name}`,
      snippet: marked([str(meta.description).trim(), `${downloads} downloads`].filter((s) => s !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta: out,
    };
  });
}

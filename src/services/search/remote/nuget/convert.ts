// Our query -> the search query service (q, skip, take, SemVer 2.0.0
// packages included); packages -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://azuresearch-usnc.nuget.org/query');
  url.search = new URLSearchParams({ q: query.text, skip: String(query.offset), take: String(pageSize(query, 1000)), prerelease: 'false', semVerLevel: '2.0.0' }).toString();
  return url.href;
}

const joined = (v: unknown): string => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').join(', ') : str(v));

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  return arrayAt(ENGINE, body, 'data').filter(isRecord).map((p, i) => {
    const id = str(p.id);
    if (id === '' || str(p.version) === '') throw malformed(ENGINE, 'a package without id or version');
    const text = str(p.summary) || str(p.description);
    const facts = [text.trim(), joined(p.authors) !== '' ? `by ${joined(p.authors)}` : '', `${num(p.totalDownloads) ?? 0} downloads`, p.verified === true ? 'verified owner' : ''];
    const meta: Record<string, string | number> = { version: str(p.version), downloads: num(p.totalDownloads) ?? 0 };
    if (str(p.projectUrl) !== '') meta.project = str(p.projectUrl);
    return {
      id: id.toLowerCase(),
      engine: ENGINE,
      title: `${id} ${str(p.version)}`,
      url: `https://www.nuget.org/packages/${encodeURIComponent(id)}`,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

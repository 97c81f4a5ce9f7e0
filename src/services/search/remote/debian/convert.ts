// Our query -> /api/search/<query>/ (the query is a path segment, so it is
// percent-encoded); source package names -> hits, the exact match first,
// each linking to its Debian Sources and package tracker pages.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  return `https://sources.debian.org/api/search/${encodeURIComponent(query.text.trim())}/`;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const results = isRecord(body) ? body.results : undefined;
  if (!isRecord(results) || !Array.isArray(results.other)) throw malformed(ENGINE, 'no results.other list in the answer');
  const names: string[] = [];
  if (isRecord(results.exact) && str(results.exact.name) !== '') names.push(str(results.exact.name));
  for (const o of results.other) if (isRecord(o) && str(o.name) !== '' && !names.includes(str(o.name))) names.push(str(o.name));
  return names.slice(query.offset, query.offset + query.limit).map((name, i) => {
    if (!/^[a-z0-9][a-z0-9+.-]+$/.test(name)) throw malformed(ENGINE, `'${name.slice(0, 40)}' is not a Debian source package name`);
    return {
      id: name,
      engine: ENGINE,
      title: name,
      url: `https://sources.debian.org/src/${name}/`,
      snippet: marked(`Debian source package ${name}${i === 0 && query.offset === 0 && isRecord(results.exact) ? ' (exact match)' : ''}`, query.text),
      score: 1 / (query.offset + i + 1),
      meta: { tracker: `https://tracker.debian.org/pkg/${name}` },
    };
  });
}

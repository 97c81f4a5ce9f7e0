// Our query -> /rpc/v5/search/<query>?by=name-desc (one path segment);
// packages -> hits, most voted first (the RPC returns them unordered).

import type { SearchHit, SearchQuery } from '../../types.ts';
import { EngineError } from '../engine-error.ts';
import { arrayAt, isRecord, malformed, num, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  return `https://aur.archlinux.org/rpc/v5/search/${encodeURIComponent(query.text.trim())}?by=name-desc`;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (isRecord(body) && body.type === 'error') throw new EngineError('bad_request', ENGINE, str(body.error).slice(0, 200) || 'error');
  const packages = arrayAt(ENGINE, body, 'results').filter(isRecord);
  packages.sort((a, b) => (num(b.NumVotes) ?? 0) - (num(a.NumVotes) ?? 0) || str(a.Name).localeCompare(str(b.Name)));
  return packages.slice(query.offset, query.offset + query.limit).map((p, i) => {
    const name = str(p.Name);
    if (name === '' || str(p.Version) === '') throw malformed(ENGINE, 'a package without Name or Version');
    const outOfDate = num(p.OutOfDate) !== undefined;
    const facts = [str(p.Description), `${num(p.NumVotes) ?? 0} votes`, outOfDate ? 'flagged out of date' : '', p.Maintainer === null ? 'orphaned' : ''];
    const meta: Record<string, string | number> = { version: str(p.Version), votes: num(p.NumVotes) ?? 0 };
    if (str(p.URL) !== '') meta.upstream = str(p.URL);
    return {
      id: name,
      engine: ENGINE,
      title: `${name} ${str(p.Version)}`,
      url: `https://aur.archlinux.org/packages/${encodeURIComponent(name)}`,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

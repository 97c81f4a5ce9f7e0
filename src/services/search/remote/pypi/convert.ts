// Our query -> a project name (PEP 503 normalization) -> /pypi/<name>/json;
// the project -> one hit. A query that cannot be a project name is not
// sent at all: nothing leaves for a lookup that cannot succeed.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { isRecord, malformed, str } from '../engine-http.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

/** PEP 503: lower case, runs of -, _ and . become one '-'; undefined when the query is not a valid name (PEP 508). */
export function projectName(text: string): string | undefined {
  const t = text.trim();
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/.test(t)) return undefined;
  return t.toLowerCase().replace(/[-_.]+/g, '-');
}

export function toProjectUrl(name: string): string {
  return `https://pypi.org/pypi/${encodeURIComponent(name)}/json`;
}

export function toHits(status: number, body: unknown, query: SearchQuery): SearchHit[] {
  if (status === 404) return [];
  const info = isRecord(body) ? body.info : undefined;
  if (!isRecord(info) || str(info.name) === '') throw malformed(ENGINE, 'no info.name in the project answer');
  if (query.offset > 0) return [];
  const name = str(info.name);
  const urls = isRecord(info.project_urls) ? info.project_urls : {};
  const source = str(urls.Source) || str(urls.Repository) || str(urls.Homepage) || str(info.home_page);
  const facts = [str(info.summary), str(info.requires_python) !== '' ? `Python ${str(info.requires_python)}` : ''].filter((s) => s !== '');
  const meta: Record<string, string | number> = { version: str(info.version) };
  if (source !== '') meta.source = source;
  return [{
    id: name.toLowerCase(),
    engine: ENGINE,
    title: plain(`${name} ${str(info.version)}`),
    url: `https://pypi.org/project/${encodeURIComponent(name)}/`,
    snippet: marked(facts.join(' · '), query.text),
    score: 1,
    meta,
  }];
}

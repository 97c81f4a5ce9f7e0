// Our query -> /packages/search/json/?q=&page=; packages -> hits. The
// interface pages by 250; we ask the page holding `offset`.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { EngineError } from '../engine-error.ts';
import { arrayAt, isRecord, malformed, num, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const PAGE = 250;

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://archlinux.org/packages/search/json/');
  url.search = new URLSearchParams({ q: query.text, page: String(Math.floor(query.offset / PAGE) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  if (isRecord(body) && body.valid === false) throw new EngineError('bad_request', ENGINE, 'the query was not valid for the package search');
  const skip = query.offset % PAGE;
  return arrayAt(ENGINE, body, 'results').filter(isRecord).slice(skip, skip + query.limit).map((p, i) => {
    const name = str(p.pkgname);
    const repo = str(p.repo);
    const arch = str(p.arch);
    if (name === '' || repo === '' || arch === '') throw malformed(ENGINE, 'a package without pkgname, repo or arch');
    const epoch = num(p.epoch);
    const version = `${epoch !== undefined && epoch > 0 ? `${epoch}:` : ''}${str(p.pkgver)}-${str(p.pkgrel)}`;
    const meta: Record<string, string | number> = { repo, arch, version };
    if (str(p.url) !== '') meta.upstream = str(p.url);
    return {
      id: `${repo}/${arch}/${name}`,
      engine: ENGINE,
      title: `${name} ${version}`,
      url: `https://archlinux.org/packages/${encodeURIComponent(repo)}/${encodeURIComponent(arch)}/${encodeURIComponent(name)}/`,
      snippet: marked(`${str(p.pkgdesc)} · ${repo}`, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

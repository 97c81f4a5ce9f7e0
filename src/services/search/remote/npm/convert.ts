// Our query -> /-/v1/search?text=&size=&from=; search objects -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://registry.npmjs.org/-/v1/search');
  url.search = new URLSearchParams({ text: query.text, size: String(pageSize(query, 250)), from: String(query.offset) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  return arrayAt(ENGINE, body, 'objects').filter(isRecord).map((o, i) => {
    const pkg = o.package;
    if (!isRecord(pkg) || str(pkg.name) === '') throw malformed(ENGINE, 'a search object without package.name');
    const name = str(pkg.name);
    const links = isRecord(pkg.links) ? pkg.links : {};
    const keywords = Array.isArray(pkg.keywords) ? pkg.keywords.filter((k): k is string => typeof k === 'string') : [];
    const text = [str(pkg.description), keywords.length > 0 ? `keywords: ${keywords.join(', ')}` : ''].filter((s) => s !== '').join(' · ');
    const meta: Record<string, string | number> = { version: str(pkg.version) };
    if (str(pkg.date) !== '') meta.published = str(pkg.date);
    if (str(links.repository) !== '') meta.repository = str(links.repository);
    const score = isRecord(o.score) ? num(o.score.final) : undefined;
    return {
      id: name,
      engine: ENGINE,
      title: `${name} ${str(pkg.version)}`.trim(),
      url: str(links.npm) !== '' ? str(links.npm) : `https://www.npmjs.com/package/${name}`,
      snippet: marked(text, query.text),
      score: num(o.searchScore) ?? score ?? 1 / (query.offset + i + 1),
      meta,
    };
  });
}

// Our query -> /api/records?q=&size=&page=; records -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL('https://zenodo.org/api/records');
  url.search = new URLSearchParams({ q: query.text, size: String(size), page: String(Math.floor(query.offset / size) + 1) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  const hits = isRecord(body) ? body.hits : undefined;
  return arrayAt(ENGINE, hits, 'hits').filter(isRecord).slice(query.offset % size).map((r, i) => {
    const id = num(r.id);
    const m = isRecord(r.metadata) ? r.metadata : {};
    const title = textFromHtml(str(m.title));
    if (id === undefined || title === '') throw malformed(ENGINE, 'a record without id or metadata.title');
    const creators = Array.isArray(m.creators) ? m.creators.filter(isRecord).map((c) => str(c.name)).filter((s) => s !== '') : [];
    const type = isRecord(m.resource_type) ? str(m.resource_type.title) || str(m.resource_type.type) : '';
    const byline = [creators.slice(0, 3).join('; ') + (creators.length > 3 ? ' et al.' : ''), type, str(m.publication_date)].filter((s) => s !== '').join(' · ');
    const description = textFromHtml(str(m.description));
    const links = isRecord(r.links) ? r.links : {};
    const meta: Record<string, string | number> = { record: id };
    if (str(r.doi) !== '') meta.doi = str(r.doi);
    if (type !== '') meta.type = type;
    return {
      id: String(id),
      engine: ENGINE,
      title: plain(title),
      url: str(links.self_html) || str(links.html) || `https://zenodo.org/records/${id}`,
      snippet: marked(description !== '' ? `${byline} — ${description}` : byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

// Our query -> advancedsearch.php (fields, rows, page, JSON); docs -> hits.
// Solr fields may be a string or a list of strings.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { EngineError } from '../engine-error.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const FIELDS = ['identifier', 'title', 'mediatype', 'description', 'creator', 'date', 'downloads'];

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const params = new URLSearchParams({ q: query.text });
  for (const f of FIELDS) params.append('fl[]', f);
  params.set('rows', String(size));
  params.set('page', String(Math.floor(query.offset / size) + 1));
  params.set('output', 'json');
  return `https://archive.org/advancedsearch.php?${params.toString()}`;
}

const first = (v: unknown): string => (Array.isArray(v) ? str(v[0]) : str(v));

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  const header = isRecord(body) ? body.responseHeader : undefined;
  if (isRecord(header) && num(header.status) !== 0) throw new EngineError('bad_request', ENGINE, `search status ${str(header.status)}`);
  const response = isRecord(body) ? body.response : undefined;
  return arrayAt(ENGINE, response, 'docs').filter(isRecord).slice(query.offset % size).map((d, i) => {
    const id = str(d.identifier);
    if (!/^[\w.-]+$/.test(id)) throw malformed(ENGINE, 'a doc without a valid identifier');
    const creators = Array.isArray(d.creator) ? d.creator.map(str).filter((s) => s !== '').join(', ') : str(d.creator);
    const byline = [str(d.mediatype), creators, str(d.date).slice(0, 10)].filter((s) => s !== '').join(' · ');
    const description = textFromHtml(first(d.description));
    const meta: Record<string, string | number> = { mediatype: str(d.mediatype), downloads: num(d.downloads) ?? 0 };
    return {
      id,
      engine: ENGINE,
      title: plain(textFromHtml(first(d.title)) || id),
      url: `https://archive.org/details/${id}`,
      snippet: marked(description !== '' ? `${byline} — ${description}` : byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

// Our query -> /works?search=&per-page=&page=&select=...; works -> hits.
// No mailto (OpenAlex's polite pool would tie queries to an address).

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const SELECT = 'id,doi,display_name,publication_year,relevance_score,cited_by_count,type,primary_location,authorships';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 200);
  const url = new URL('https://api.openalex.org/works');
  url.search = new URLSearchParams({ search: query.text, 'per-page': String(size), page: String(Math.floor(query.offset / size) + 1), select: SELECT }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 200);
  return arrayAt(ENGINE, body, 'results').filter(isRecord).slice(query.offset % size).map((w, i) => {
    const id = str(w.id);
    const title = str(w.display_name) || str(w.title);
    if (!id.startsWith('https://openalex.org/') || title === '') throw malformed(ENGINE, 'a work without an OpenAlex id or a title');
    const authors = Array.isArray(w.authorships) ? w.authorships.filter(isRecord).map((a) => (isRecord(a.author) ? str(a.author.display_name) : '')).filter((s) => s !== '') : [];
    const location = isRecord(w.primary_location) ? w.primary_location : {};
    const venue = isRecord(location.source) ? str(location.source.display_name) : '';
    const year = num(w.publication_year);
    const cited = num(w.cited_by_count) ?? 0;
    const byline = [authors.slice(0, 3).join(', ') + (authors.length > 3 ? ' et al.' : ''), venue, year === undefined ? '' : String(year), `cited by ${cited}`].filter((s) => s !== '').join(' · ');
    const doi = str(w.doi);
    const meta: Record<string, string | number> = { openalex: id, cited };
    if (year !== undefined) meta.year = year;
    if (doi !== '') meta.doi = doi.replace(/^https:\/\/doi\.org\//, '');
    return {
      id: id.slice('https://openalex.org/'.length),
      engine: ENGINE,
      title: plain(textFromHtml(title)),
      url: doi !== '' ? doi : str(location.landing_page_url) || id,
      snippet: marked(byline, query.text),
      score: num(w.relevance_score) ?? 1 / (query.offset + i + 1),
      meta,
    };
  });
}

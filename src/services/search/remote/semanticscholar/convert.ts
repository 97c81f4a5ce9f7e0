// Our query -> /graph/v1/paper/search?query=&offset=&limit=&fields=; papers -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, pageSize, str } from '../engine-http.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const FIELDS = 'title,url,abstract,year,venue,citationCount,authors,externalIds';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://api.semanticscholar.org/graph/v1/paper/search');
  url.search = new URLSearchParams({ query: query.text, offset: String(query.offset), limit: String(pageSize(query, 100)), fields: FIELDS }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  return arrayAt(ENGINE, body, 'data').filter(isRecord).map((p, i) => {
    const id = str(p.paperId);
    const title = str(p.title);
    if (id === '' || title === '') throw malformed(ENGINE, 'a paper without paperId or title');
    const authors = Array.isArray(p.authors) ? p.authors.filter(isRecord).map((a) => str(a.name)).filter((s) => s !== '') : [];
    const year = num(p.year);
    const byline = [authors.slice(0, 3).join(', ') + (authors.length > 3 ? ' et al.' : ''), str(p.venue), year === undefined ? '' : String(year)].filter((s) => s !== '').join(' · ');
    const abstract = str(p.abstract);
    const ids = isRecord(p.externalIds) ? p.externalIds : {};
    const meta: Record<string, string | number> = { cited: num(p.citationCount) ?? 0 };
    if (year !== undefined) meta.year = year;
    if (str(ids.DOI) !== '') meta.doi = str(ids.DOI);
    if (str(ids.ArXiv) !== '') meta.arxiv = str(ids.ArXiv);
    return {
      id,
      engine: ENGINE,
      title: plain(title),
      url: str(p.url) !== '' ? str(p.url) : `https://www.semanticscholar.org/paper/${id}`,
      snippet: marked(abstract !== '' ? `${byline} — ${abstract}` : byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

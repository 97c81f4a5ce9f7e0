// Our query -> /search?query=&format=json&pageSize=&cursorMark=*; results -> hits.
// Europe PMC pages by cursor, not offset: we ask offset+limit from the
// first cursor (pageSize caps at 1000) and skip the first `offset`.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://www.ebi.ac.uk/europepmc/webservices/rest/search');
  url.search = new URLSearchParams({ query: query.text, format: 'json', resultType: 'lite', pageSize: String(Math.min(Math.max(query.offset + query.limit, 1), 1000)), cursorMark: '*' }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const list = isRecord(body) ? body.resultList : undefined;
  return arrayAt(ENGINE, list, 'result').filter(isRecord).slice(query.offset, query.offset + query.limit).map((r, i) => {
    const id = str(r.id);
    const source = str(r.source);
    const title = textFromHtml(str(r.title));
    if (id === '' || source === '' || title === '') throw malformed(ENGINE, 'a result without id, source or title');
    const byline = [str(r.authorString), str(r.journalTitle), str(r.pubYear), r.isOpenAccess === 'Y' ? 'open access' : ''].filter((s) => s !== '').join(' · ');
    const meta: Record<string, string | number> = { source };
    if (str(r.doi) !== '') meta.doi = str(r.doi);
    if (str(r.pmid) !== '') meta.pmid = str(r.pmid);
    if (num(r.citedByCount) !== undefined) meta.cited = num(r.citedByCount)!;
    return {
      id: `${source}:${id}`,
      engine: ENGINE,
      title: plain(title),
      url: `https://europepmc.org/article/${encodeURIComponent(source)}/${encodeURIComponent(id)}`,
      snippet: marked(byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

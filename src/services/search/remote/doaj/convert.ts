// Our query -> /api/search/articles/<query> (one encoded path segment)
// with page and pageSize; articles -> hits, linking to the full text.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, pageSize, str } from '../engine-http.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  const size = pageSize(query, 100);
  const url = new URL(`https://doaj.org/api/search/articles/${encodeURIComponent(query.text.trim())}`);
  url.search = new URLSearchParams({ page: String(Math.floor(query.offset / size) + 1), pageSize: String(size) }).toString();
  return url.href;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const size = pageSize(query, 100);
  return arrayAt(ENGINE, body, 'results').filter(isRecord).slice(query.offset % size).map((a, i) => {
    const id = str(a.id);
    const b = isRecord(a.bibjson) ? a.bibjson : {};
    const title = textFromHtml(str(b.title));
    if (!/^[0-9a-f]{16,64}$/.test(id) || title === '') throw malformed(ENGINE, 'an article without a DOAJ id or a title');
    const authors = Array.isArray(b.author) ? b.author.filter(isRecord).map((x) => str(x.name)).filter((s) => s !== '') : [];
    const journal = isRecord(b.journal) ? str(b.journal.title) : '';
    const byline = [authors.slice(0, 3).join(', ') + (authors.length > 3 ? ' et al.' : ''), journal, str(b.year)].filter((s) => s !== '').join(' · ');
    const fulltext = Array.isArray(b.link) ? b.link.filter(isRecord).find((l) => l.type === 'fulltext' && /^https:\/\//.test(str(l.url))) : undefined;
    const doi = Array.isArray(b.identifier) ? b.identifier.filter(isRecord).find((x) => str(x.type).toLowerCase() === 'doi') : undefined;
    const abstract = textFromHtml(str(b.abstract));
    const meta: Record<string, string | number> = { doaj: id };
    if (doi !== undefined) meta.doi = str(doi.id);
    return {
      id,
      engine: ENGINE,
      title: plain(title),
      url: fulltext !== undefined ? str(fulltext.url) : `https://doaj.org/article/${id}`,
      snippet: marked(abstract !== '' ? `${byline} — ${abstract}` : byline, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

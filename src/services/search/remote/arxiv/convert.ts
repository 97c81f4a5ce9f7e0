// Our query -> arXiv's search_query syntax (user manual §5.1: field
// prefixes, AND / ANDNOT, quoted phrases); Atom entries -> hits.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { malformed, pageSize } from '../engine-http.ts';
import { childText, childrenNamed, parseMarkup, selectAll, selectFirst, textOf } from '../markup.ts';
import { marked, plain, textFromHtml } from '../snippet.ts';
import { ENGINE } from './errors.ts';
import { ATOM } from './wire.ts';

/** "quantum "error correction" -noise" -> all:quantum AND all:"error correction" ANDNOT all:noise */
export function toSearchQuery(text: string): string {
  let out = '';
  for (const m of text.matchAll(/(-?)(?:"([^"]*)"|(\S+))/g)) {
    const negated = m[1] === '-';
    const phrase = m[2];
    const word = (m[3] ?? '').replace(/[():"]/g, '');
    const term = phrase !== undefined ? `all:"${phrase.replace(/"/g, '')}"` : word === '' ? '' : `all:${word}`;
    if (term === '' || term === 'all:""') continue;
    out = out === '' ? (negated ? '' : term) : `${out} ${negated ? 'ANDNOT' : 'AND'} ${term}`;
  }
  return out === '' ? `all:"${text.replace(/"/g, '')}"` : out;
}

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://export.arxiv.org/api/query');
  url.search = new URLSearchParams({ search_query: toSearchQuery(query.text), start: String(query.offset), max_results: String(pageSize(query, 100)) }).toString();
  return url.href;
}

export function toHits(body: string, query: SearchQuery): SearchHit[] {
  const root = parseMarkup(body, { xml: true });
  const feed = selectFirst(root, 'feed');
  if (feed === undefined) throw malformed(ENGINE, 'the answer is not an Atom feed');
  return selectAll(feed, ATOM.entry).map((entry, i) => {
    const absUrl = childText(entry, ATOM.id);
    const id = /arxiv\.org\/abs\/(.+)$/.exec(absUrl)?.[1];
    const title = childText(entry, ATOM.title);
    if (id === undefined || title === '') throw malformed(ENGINE, 'an entry without an abs id or a title');
    const authors = childrenNamed(entry, ATOM.author).map((a) => childText(a, ATOM.name)).filter((n) => n !== '');
    const pdf = childrenNamed(entry, ATOM.link).find((l) => l.attrs.title === 'pdf')?.attrs.href;
    const category = selectFirst(entry, ATOM.primaryCategory)?.attrs.term ?? '';
    const published = childText(entry, ATOM.published);
    const meta: Record<string, string | number> = { published, authors: authors.join(', ') };
    if (category !== '') meta.category = category;
    if (pdf !== undefined) meta.pdf = pdf.replace(/^http:/, 'https:');
    return {
      id,
      engine: ENGINE,
      title: plain(textFromHtml(title)),
      url: `https://arxiv.org/abs/${id}`,
      snippet: marked(textFromHtml(textOf(selectFirst(entry, ATOM.summary))), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}

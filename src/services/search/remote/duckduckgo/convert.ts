// Our query -> the form; the result page -> hits. Only the first page is
// asked: later pages need the page's `vqd` token, which ties queries
// together and which the privacy rules refuse to send. Result links that go
// through DuckDuckGo's redirect (//duckduckgo.com/l/?uddg=...) are
// unwrapped, so opening a hit does not tell DuckDuckGo which one was chosen.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { malformed } from '../engine-http.ts';
import { hasClass, parseMarkup, selectAll, selectFirst, textOf } from '../markup.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';
import { PAGE } from './wire.ts';

export function toForm(query: SearchQuery): Record<string, string> {
  // kl=wt-wt: "no region", the same for everyone.
  return { q: query.text.slice(0, 499), b: '', kl: 'wt-wt' };
}

export function unwrapLink(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href, 'https://duckduckgo.com');
  } catch {
    return undefined;
  }
  if (url.hostname.endsWith('duckduckgo.com') && url.pathname === '/l/') {
    const target = url.searchParams.get('uddg');
    return target !== null && /^https?:\/\//.test(target) ? target : undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
}

export function toHits(html: string, query: SearchQuery): SearchHit[] {
  const root = parseMarkup(html);
  if (selectFirst(root, '#links') === undefined && selectFirst(root, PAGE.noResults) === undefined) throw malformed(ENGINE, 'no result list (#links) in the page');
  const hits: SearchHit[] = [];
  for (const result of selectAll(root, PAGE.result)) {
    if (hasClass(result, PAGE.ad)) continue;
    const link = selectFirst(result, PAGE.link);
    const url = link === undefined ? undefined : unwrapLink(link.attrs.href ?? '');
    const title = textOf(link);
    if (url === undefined || title === '') continue; // a result block without a usable link
    hits.push({ id: url, engine: ENGINE, title: plain(title), url, snippet: marked(textOf(selectFirst(result, PAGE.snippet)), query.text), score: 0 });
  }
  return hits.slice(query.offset, query.offset + query.limit).map((h, i) => ({ ...h, score: 1 / (query.offset + i + 1) }));
}

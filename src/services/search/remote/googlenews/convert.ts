// Our query -> /rss/search with one fixed, generic locale (US English, the
// same for everyone); items -> hits. The feed has no paging: it gives up
// to 100 items, and offset/limit slice them.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { malformed } from '../engine-http.ts';
import { childText, childrenNamed, parseMarkup, selectFirst } from '../markup.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';
import { RSS } from './wire.ts';

export function toSearchUrl(query: SearchQuery): string {
  const url = new URL('https://news.google.com/rss/search');
  url.search = new URLSearchParams({ q: query.text, hl: 'en-US', gl: 'US', ceid: 'US:en' }).toString();
  return url.href;
}

export function toHits(body: string, query: SearchQuery): SearchHit[] {
  const channel = selectFirst(parseMarkup(body, { xml: true }), RSS.channel);
  if (channel === undefined) throw malformed(ENGINE, 'the answer is not an RSS channel');
  return childrenNamed(channel, RSS.item).slice(query.offset, query.offset + query.limit).flatMap((item, i) => {
    const link = childText(item, RSS.link);
    const sourceEl = childrenNamed(item, RSS.source)[0];
    const source = childText(item, RSS.source);
    // Titles read "Headline - Source": the source is said apart.
    let title = childText(item, RSS.title);
    if (source !== '' && title.endsWith(` - ${source}`)) title = title.slice(0, -(source.length + 3));
    if (!/^https:\/\//.test(link) || title === '') return [];
    const date = childText(item, RSS.pubDate);
    const published = Number.isNaN(Date.parse(date)) ? '' : new Date(date).toISOString();
    const meta: Record<string, string | number> = {};
    if (source !== '') meta.source = source;
    if (sourceEl?.attrs.url !== undefined) meta.site = sourceEl.attrs.url;
    if (published !== '') meta.published = published;
    return [{
      id: childText(item, RSS.guid) || link,
      engine: ENGINE,
      title: plain(title),
      url: link,
      snippet: marked([source, published.slice(0, 10)].filter((s) => s !== '').join(' · ') + ` — ${title}`, query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    }];
  });
}

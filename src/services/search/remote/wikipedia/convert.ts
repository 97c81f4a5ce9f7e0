// Our query -> a list=search URL on the query's language edition; its
// results -> hits (mediawiki-search.ts, shared with Wiktionary).

import type { SearchHit, SearchQuery } from '../../types.ts';
import { editionOf, mediaWikiHits, mediaWikiSearchUrl } from '../mediawiki-search.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  return mediaWikiSearchUrl(`${editionOf(query.lang)}.wikipedia.org`, query);
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const edition = editionOf(query.lang);
  return mediaWikiHits(ENGINE, `${edition}.wikipedia.org`, edition, body, query);
}

// Our query -> list=search on the query's language edition of Wiktionary;
// entries -> hits (mediawiki-search.ts).

import type { SearchHit, SearchQuery } from '../../types.ts';
import { editionOf, mediaWikiHits, mediaWikiSearchUrl } from '../mediawiki-search.ts';
import { ENGINE } from './errors.ts';

export function toSearchUrl(query: SearchQuery): string {
  return mediaWikiSearchUrl(`${editionOf(query.lang)}.wiktionary.org`, query);
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const edition = editionOf(query.lang);
  return mediaWikiHits(ENGINE, `${edition}.wiktionary.org`, edition, body, query);
}

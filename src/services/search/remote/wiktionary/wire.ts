// Wiktionary runs MediaWiki: its search is the Action API's list=search
// (https://www.mediawiki.org/wiki/API:Search) on <lang>.wiktionary.org,
// the same shape Wikipedia answers with (wikipedia/wire.ts).

export type { WikiSearchResponse as WiktionarySearchResponse, WikiSearchResult as WiktionaryResult } from '../wikipedia/wire.ts';

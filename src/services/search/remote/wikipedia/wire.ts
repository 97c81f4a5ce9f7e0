// MediaWiki Action API, list=search with formatversion=2
// (https://www.mediawiki.org/wiki/API:Search). Errors come as HTTP 200 with
// an `error` object and a MediaWiki-API-Error header
// (https://www.mediawiki.org/wiki/API:Errors_and_warnings).

export interface WikiSearchResult {
  ns: number;
  title: string;
  pageid: number;
  size?: number;
  wordcount?: number;
  /** HTML: matches in <span class="searchmatch">. */
  snippet?: string;
  timestamp?: string;
}

export interface WikiSearchResponse {
  batchcomplete?: boolean;
  continue?: { sroffset: number; continue: string };
  query?: { searchinfo?: { totalhits: number }; search: WikiSearchResult[] };
  error?: { code: string; info: string };
}

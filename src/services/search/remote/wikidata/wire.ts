// Wikibase action=wbsearchentities
// (https://www.wikidata.org/w/api.php?action=help&modules=wbsearchentities,
// https://www.mediawiki.org/wiki/Wikibase/API#wbsearchentities).

export interface WbEntity {
  id: string;
  title?: string;
  pageid?: number;
  concepturi?: string;
  /** Protocol-relative: //www.wikidata.org/wiki/Q42 */
  url?: string;
  label?: string;
  description?: string;
  aliases?: string[];
  match?: { type: string; language: string; text: string };
  display?: { label?: { value: string; language: string }; description?: { value: string; language: string } };
}

export interface WbSearchResponse {
  searchinfo?: { search: string };
  search: WbEntity[];
  'search-continue'?: number;
  success: number;
}

// Hacker News Search API by Algolia, GET /api/v1/search (https://hn.algolia.com/api).

export interface HnHit {
  objectID: string;
  title?: string | null;
  url?: string | null;
  author?: string;
  points?: number | null;
  num_comments?: number | null;
  created_at?: string;
  created_at_i?: number;
  story_text?: string | null;
  _tags?: string[];
  /** Algolia's highlighting: matched words in <em>. */
  _highlightResult?: { title?: { value: string; matchLevel: string; matchedWords: string[] } };
}

export interface HnSearchResponse {
  hits: HnHit[];
  nbHits: number;
  page: number;
  nbPages: number;
  hitsPerPage: number;
  query: string;
  processingTimeMS?: number;
}

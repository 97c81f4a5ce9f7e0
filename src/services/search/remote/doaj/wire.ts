// DOAJ API, GET /api/search/articles/<query>?page=&pageSize=
// (https://doaj.org/api/docs, "Search" / "articles").

export interface DoajArticle {
  id: string;
  bibjson: {
    title: string;
    year?: string;
    abstract?: string;
    author?: Array<{ name: string; affiliation?: string }>;
    journal?: { title?: string; publisher?: string };
    identifier?: Array<{ type: string; id: string }>;
    link?: Array<{ type: string; url: string; content_type?: string }>;
    keywords?: string[];
  };
  created_date?: string;
  last_updated?: string;
}

export interface DoajSearch {
  total: number;
  page: number;
  pageSize: number;
  query?: string;
  results: DoajArticle[];
  next?: string;
  last?: string;
}

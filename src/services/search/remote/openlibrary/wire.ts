// Open Library search, GET /search.json?q= (https://openlibrary.org/dev/docs/api/search).

export interface OpenLibraryDoc {
  /** "/works/OL27448W" */
  key: string;
  title: string;
  author_name?: string[];
  first_publish_year?: number;
  edition_count?: number;
  subject?: string[];
  language?: string[];
}

export interface OpenLibrarySearch {
  numFound: number;
  start: number;
  numFoundExact?: boolean;
  docs: OpenLibraryDoc[];
  q?: string;
}

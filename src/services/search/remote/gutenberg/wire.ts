// Gutendex, GET /books/?search=&page= (https://gutendex.com/): a paged
// list (32 a page) of Project Gutenberg books.

export interface GutenbergBook {
  id: number;
  title: string;
  authors: Array<{ name: string; birth_year: number | null; death_year: number | null }>;
  subjects?: string[];
  languages?: string[];
  copyright?: boolean | null;
  download_count?: number;
  formats?: Record<string, string>;
}

export interface GutendexPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: GutenbergBook[];
}

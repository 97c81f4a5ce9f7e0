// Internet Archive advanced search, GET /advancedsearch.php?q=&fl[]=&rows=&page=&output=json
// (https://archive.org/advancedsearch.php, https://archive.org/developers/):
// a Solr answer.

export interface ArchiveDoc {
  identifier: string;
  title?: string | string[];
  mediatype?: string;
  description?: string | string[];
  creator?: string | string[];
  date?: string;
  downloads?: number;
}

export interface ArchiveSearch {
  responseHeader: { status: number; QTime?: number; params?: Record<string, unknown> };
  response: { numFound: number; start: number; docs: ArchiveDoc[] };
}

// INSPIRE REST API, GET /api/literature?q=&size=&page=&fields=
// (https://github.com/inspirehep/rest-api-doc): an Elasticsearch-style hits
// envelope around literature records.

export interface InspireLiterature {
  id: string;
  metadata: {
    control_number?: number;
    titles: Array<{ title: string; source?: string }>;
    authors?: Array<{ full_name: string }>;
    author_count?: number;
    abstracts?: Array<{ value: string; source?: string }>;
    dois?: Array<{ value: string }>;
    arxiv_eprints?: Array<{ value: string; categories?: string[] }>;
    publication_info?: Array<{ journal_title?: string; year?: number }>;
    citation_count?: number;
  };
}

export interface InspireSearch {
  hits: { hits: InspireLiterature[]; total: number };
  links?: Record<string, string>;
}

// Zenodo REST API, GET /api/records?q=&size=&page= (https://developers.zenodo.org/#list36):
// an Elasticsearch-style hits envelope around record objects.

export interface ZenodoRecord {
  id: number;
  doi?: string;
  links?: { self_html?: string; html?: string; doi?: string };
  metadata: {
    title: string;
    publication_date?: string;
    /** HTML */
    description?: string;
    creators?: Array<{ name: string; affiliation?: string | null; orcid?: string }>;
    resource_type?: { type?: string; title?: string };
    access_right?: string;
  };
}

export interface ZenodoSearch {
  hits: { hits: ZenodoRecord[]; total: number | { value: number } };
  links?: Record<string, string>;
}

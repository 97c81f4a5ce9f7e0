// MDN's site search, GET /api/v1/search?q=&locale=&page=&size= (the API
// the MDN front end calls; its Elasticsearch answer: `documents` with
// `highlight` fragments in <mark>, `metadata`, `suggestions`).

export interface MdnDocument {
  mdn_url: string;
  title: string;
  summary?: string;
  score?: number;
  popularity?: number;
  locale?: string;
  slug?: string;
  highlight?: { body?: string[]; title?: string[] };
}

export interface MdnSearch {
  documents: MdnDocument[];
  metadata: { took_ms?: number; total: { value: number; relation: string }; size: number; page: number };
  suggestions?: Array<{ text: string; total: { value: number; relation: string } }>;
}

// HAL search API, GET /search/?q=&wt=json&rows=&start=&fl=
// (https://api.archives-ouvertes.fr/docs/search): a Solr answer whose
// fields end in their type (_s string, _i integer; multi-valued ones are lists).

export interface HalDoc {
  docid: string | number;
  title_s?: string[];
  authFullName_s?: string[];
  uri_s?: string;
  producedDateY_i?: number;
  journalTitle_s?: string;
  docType_s?: string;
  abstract_s?: string[];
  doiId_s?: string;
}

export interface HalSearch {
  response: { numFound: number; start: number; docs: HalDoc[] };
}

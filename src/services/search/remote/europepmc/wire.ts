// Europe PMC RESTful web service, GET /europepmc/webservices/rest/search
// with format=json (https://europepmc.org/RestfulWebService#!/Europe32PMC32Articles32RESTful32API/search).

export interface EpmcResult {
  id: string;
  /** MED (PubMed), PMC, PPR (preprints), PAT, AGR, ... */
  source: string;
  pmid?: string;
  pmcid?: string;
  doi?: string;
  title: string;
  authorString?: string;
  journalTitle?: string;
  pubYear?: string;
  isOpenAccess?: 'Y' | 'N';
  citedByCount?: number;
}

export interface EpmcSearch {
  version: string;
  hitCount: number;
  nextCursorMark?: string;
  request?: { queryString: string; resultType: string; cursorMark: string; pageSize: number };
  resultList: { result: EpmcResult[] };
}

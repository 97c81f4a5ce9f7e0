// NCBI E-utilities: ESearch for PMIDs, then ESummary for their records,
// both with retmode=json (https://www.ncbi.nlm.nih.gov/books/NBK25499/,
// "ESearch" and "ESummary"; JSON output: https://www.ncbi.nlm.nih.gov/books/NBK25500/).

export interface ESearchResult {
  header?: { type: string; version: string };
  esearchresult: {
    count: string;
    retmax: string;
    retstart: string;
    idlist: string[];
    /** A query the engine could not run. */
    ERROR?: string;
    errorlist?: { phrasesnotfound?: string[]; fieldsnotfound?: string[] };
  };
}

export interface ESummaryDoc {
  uid: string;
  pubdate?: string;
  source?: string;
  fulljournalname?: string;
  title?: string;
  authors?: Array<{ name: string; authtype?: string }>;
  elocationid?: string;
  articleids?: Array<{ idtype: string; value: string }>;
}

export interface ESummaryResult {
  header?: { type: string; version: string };
  /** `uids` lists the PMIDs in order; each PMID is also a key holding its document. */
  result: { uids: string[] } & Record<string, ESummaryDoc | string[]>;
}

/** Over the rate limit (3 requests/s without a key): HTTP 429 with {"error": "API rate limit exceeded", ...}. */
export interface EutilsError {
  error: string;
  count?: string;
  api_key?: string;
}

// Crossref REST API, GET /works?query= (https://api.crossref.org/swagger-ui/index.html,
// https://www.crossref.org/documentation/retrieve-metadata/rest-api/):
// a message envelope around a work list.

export interface CrossrefWork {
  DOI: string;
  URL?: string;
  title?: string[];
  'container-title'?: string[];
  author?: Array<{ given?: string; family?: string; name?: string }>;
  issued?: { 'date-parts': Array<Array<number | null>> };
  type?: string;
  publisher?: string;
  score?: number;
  /** JATS XML when present. */
  abstract?: string;
}

export interface CrossrefWorks {
  status: 'ok';
  'message-type': 'work-list';
  'message-version': string;
  message: { 'total-results': number; items: CrossrefWork[]; 'items-per-page': number; query: { 'start-index': number; 'search-terms': string | null } };
}

/** 400: {"status":"failed","message-type":"validation-failure","message":[{"type","value","message"}]} */
export interface CrossrefFailure {
  status: 'failed';
  'message-type': string;
  message: Array<{ type: string; value: unknown; message: string }>;
}

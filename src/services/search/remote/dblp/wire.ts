// dblp publication search, GET /search/publ/api?q=&format=json&h=&f=
// (https://dblp.org/faq/How+to+use+the+dblp+search+API.html). A quirk of
// its JSON (a conversion of XML): a list of one is sent as the object
// itself (`author` is an object for a single author, `hit` too).

export interface DblpAuthor {
  '@pid'?: string;
  text: string;
}

export interface DblpHit {
  '@score': string;
  '@id': string;
  info: {
    authors?: { author: DblpAuthor | DblpAuthor[] };
    title: string;
    venue?: string | string[];
    year?: string;
    type?: string;
    key?: string;
    doi?: string;
    ee?: string | string[];
    url?: string;
  };
  url?: string;
}

export interface DblpResponse {
  result: {
    query: string;
    status: { '@code': string; text: string };
    hits: { '@total': string; '@computed': string; '@sent': string; '@first': string; hit?: DblpHit | DblpHit[] };
  };
}

// DataCite REST API, GET /dois?query=&page[size]=&page[number]=
// (https://support.datacite.org/docs/api-queries): a JSON:API document
// (https://jsonapi.org/format/) whose data items are DOI records.

export interface DataCiteDoi {
  id: string;
  type: 'dois';
  attributes: {
    doi: string;
    titles?: Array<{ title: string; titleType?: string }>;
    creators?: Array<{ name: string; nameType?: string }>;
    publisher?: string | { name: string };
    publicationYear?: number;
    types?: { resourceTypeGeneral?: string; resourceType?: string };
    descriptions?: Array<{ description: string; descriptionType?: string }>;
    url?: string;
  };
}

export interface DataCiteList {
  data: DataCiteDoi[];
  meta?: { total: number; totalPages: number; page: number };
  links?: { self: string; next?: string };
}

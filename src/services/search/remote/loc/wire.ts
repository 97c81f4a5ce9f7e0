// loc.gov JSON API, GET /search/?q=&fo=json&c=&sp=
// (https://www.loc.gov/apis/json-and-yaml/requests/, responses:
// https://www.loc.gov/apis/json-and-yaml/responses/search-results/).

export interface LocItem {
  id: string;
  url?: string;
  title: string;
  date?: string;
  description?: string[];
  contributor?: string[];
  original_format?: string[];
  online_format?: string[];
}

export interface LocSearch {
  results: LocItem[];
  pagination: { current: number; total: number; perpage?: number; of?: number; next?: string | null };
}

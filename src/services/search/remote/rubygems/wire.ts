// rubygems.org API, GET /api/v1/search.json?query=&page=
// (https://guides.rubygems.org/rubygems-org-api/#search): a list of gems,
// 30 a page.

export interface Gem {
  name: string;
  downloads?: number;
  version: string;
  version_created_at?: string;
  authors?: string;
  info?: string;
  licenses?: string[] | null;
  project_uri?: string;
  homepage_uri?: string | null;
  source_code_uri?: string | null;
  documentation_uri?: string | null;
}

export type GemSearch = Gem[];

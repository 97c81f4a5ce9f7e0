// Forgejo / Gitea API, GET /api/v1/repos/search?q=&limit=&page=
// (https://codeberg.org/api/swagger#/repository/repoSearch): {ok, data}.

export interface ForgejoRepo {
  id: number;
  full_name: string;
  html_url: string;
  description?: string;
  language?: string;
  stars_count?: number;
  forks_count?: number;
  archived?: boolean;
  updated_at?: string;
}

export interface ForgejoSearch {
  ok: boolean;
  data: ForgejoRepo[];
}

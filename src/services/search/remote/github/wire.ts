// GitHub REST API, GET /search/repositories
// (https://docs.github.com/en/rest/search/search#search-repositories).
// Errors: https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api
// and rate limits https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api

export interface GitHubRepository {
  id: number;
  full_name: string;
  html_url: string;
  description: string | null;
  language?: string | null;
  stargazers_count?: number;
  updated_at?: string;
  topics?: string[];
  archived?: boolean;
  score?: number;
}

export interface GitHubSearchResponse {
  total_count: number;
  incomplete_results: boolean;
  items: GitHubRepository[];
}

export interface GitHubError {
  message: string;
  documentation_url?: string;
  errors?: Array<{ resource?: string; field?: string; code?: string; message?: string }>;
}

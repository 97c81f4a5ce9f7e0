// Debian Sources, GET /api/search/<query>/ (https://sources.debian.org/doc/api/):
// source package names matching the query, the exact match apart.

export interface DebianSearchResponse {
  query: string;
  results: {
    exact: { name: string } | null;
    other: Array<{ name: string }>;
  };
}

/** Errors come as {"error": "..."} with a status. */
export interface DebianError {
  error: string;
}

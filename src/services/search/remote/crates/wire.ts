// crates.io, GET /api/v1/crates?q= (the API its web front end uses; access
// policy and crawler rules: https://crates.io/data-access,
// https://crates.io/policies#crawlers). Errors: {"errors": [{"detail"}]}.

export interface Crate {
  id: string;
  name: string;
  description: string | null;
  max_version?: string;
  newest_version?: string;
  max_stable_version?: string | null;
  downloads?: number;
  recent_downloads?: number | null;
  homepage?: string | null;
  repository?: string | null;
  documentation?: string | null;
  updated_at?: string;
  exact_match?: boolean;
}

export interface CratesResponse {
  crates: Crate[];
  meta: { total: number; next_page: string | null; prev_page: string | null };
}

export interface CratesError {
  errors: Array<{ detail: string }>;
}

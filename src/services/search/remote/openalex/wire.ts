// OpenAlex, GET /works?search= (https://docs.openalex.org/api-entities/works/search-works,
// object: https://docs.openalex.org/api-entities/works/work-object).

export interface OpenAlexWork {
  id: string;
  doi?: string | null;
  display_name?: string | null;
  title?: string | null;
  publication_year?: number | null;
  relevance_score?: number | null;
  cited_by_count?: number;
  type?: string;
  primary_location?: { landing_page_url?: string | null; source?: { display_name?: string } | null } | null;
  authorships?: Array<{ author: { id?: string; display_name: string } }>;
}

export interface OpenAlexWorks {
  meta: { count: number; db_response_time_ms?: number; page: number; per_page: number };
  results: OpenAlexWork[];
}

/** 4xx: {"error": "...", "message": "..."} */
export interface OpenAlexError {
  error: string;
  message: string;
}

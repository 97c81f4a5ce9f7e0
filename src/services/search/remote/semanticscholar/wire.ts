// Semantic Scholar Academic Graph API, GET /graph/v1/paper/search
// (https://api.semanticscholar.org/api-docs/graph#tag/Paper-Data/operation/get_graph_paper_relevance_search).

export interface S2Paper {
  paperId: string;
  title: string;
  url?: string;
  abstract?: string | null;
  year?: number | null;
  venue?: string | null;
  citationCount?: number | null;
  authors?: Array<{ authorId: string | null; name: string }>;
  externalIds?: Record<string, string | number>;
}

export interface S2SearchResponse {
  total: number;
  offset: number;
  next?: number;
  data: S2Paper[];
}

/** Errors: {"error": "..."} (400) or {"message": "...", "code": "429"} (429). */
export interface S2Error {
  error?: string;
  message?: string;
  code?: string;
}

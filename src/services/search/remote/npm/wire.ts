// npm registry search, GET /-/v1/search
// (https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md#get-v1search).

export interface NpmSearchObject {
  package: {
    name: string;
    scope?: string;
    version: string;
    description?: string;
    keywords?: string[];
    date?: string;
    links?: { npm?: string; homepage?: string; repository?: string; bugs?: string };
    publisher?: { username: string; email?: string };
  };
  score?: { final: number; detail?: { quality: number; popularity: number; maintenance: number } };
  searchScore?: number;
}

export interface NpmSearchResponse {
  objects: NpmSearchObject[];
  total: number;
  time: string;
}

/** The registry's error body (REGISTRY-API.md "Errors"). */
export interface NpmError {
  error?: string;
  code?: string;
}

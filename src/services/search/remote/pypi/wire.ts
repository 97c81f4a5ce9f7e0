// PyPI's JSON API, GET /pypi/<project>/json (https://docs.pypi.org/api/json/).
// PyPI has NO search API: the XML-RPC `search` method is disabled
// (https://warehouse.pypa.io/api-reference/xml-rpc.html) and the web search
// page is not an API. So this engine is an exact project lookup: the query,
// normalized as PEP 503 names are, is looked up as a project name.

export interface PyPiProject {
  info: {
    name: string;
    version: string;
    summary: string | null;
    home_page?: string | null;
    project_url?: string;
    package_url?: string;
    project_urls?: Record<string, string> | null;
    requires_python?: string | null;
    license?: string | null;
    keywords?: string | null;
    yanked?: boolean;
  };
  last_serial?: number;
  releases?: Record<string, unknown[]>;
  urls?: unknown[];
  vulnerabilities?: unknown[];
}

/** A missing project is HTTP 404 {"message": "Not Found"}. */
export interface PyPiNotFound {
  message: string;
}

// The admin API's extension point: a service contributes routes that are
// mounted under /v1/<service>/..., so CLI commands such as `octant ledger
// tail` can ask the running system through the admin socket.

export interface AdminRequest {
  method: string;
  /** Path below the mount point, starting with '/' (e.g. '/tail'). */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when the request had none. */
  body: unknown;
  /** Aborted when the client goes away (for long-running or streamed replies). */
  signal: AbortSignal;
}

export interface AdminResponse {
  /** HTTP status; 200 when omitted. */
  status?: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as newline-delimited JSON, one value per line, until it ends. */
  stream?: AsyncIterable<unknown>;
  /** Run once the reply has been fully sent (e.g. stop the system after answering). */
  after?: () => void;
}

export type AdminHandler = (request: AdminRequest) => Promise<AdminResponse> | AdminResponse;

/** Routes keyed by 'METHOD /path', e.g. { 'GET /tail': handler }. */
export type AdminRoutes = Readonly<Record<string, AdminHandler>>;

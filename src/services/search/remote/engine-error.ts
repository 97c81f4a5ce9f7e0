// The typed error every remote engine adapter maps its failures to. The
// service never looks at an engine's quirks: it reads `kind` and decides
// (engine-health.ts): 'rate_limited', 'blocked', 'server', 'network' and
// 'malformed' suspend the engine with backoff; 'bad_request' is our own
// mistake (or the query's) and does not count against the engine;
// 'suspended' is what a call to an engine in its backoff window gets.

import { OctantError } from '../../../lib/errors.ts';

export type EngineErrorKind =
  /** HTTP 429, or the engine's own throttle signal (Stack Exchange `throttle_violation`, GitHub's exhausted quota). */
  | 'rate_limited'
  /** HTTP 403, a captcha or "unusual traffic" page: the engine refuses us. */
  | 'blocked'
  /** HTTP 5xx: the engine is unwell. */
  | 'server'
  /** The connection failed, timed out, or the egress proxy refused. */
  | 'network'
  /** A 200 whose body is not the engine's format (changed markup, truncated JSON). */
  | 'malformed'
  /** HTTP 4xx other than the above: the request was wrong; trying later does not help. */
  | 'bad_request'
  /** The engine is in its backoff window (engine-health.ts); nothing was sent. */
  | 'suspended';

// One stable code per kind, spelled out so docs/errors.md lists each.
const CODE: Readonly<Record<EngineErrorKind, string>> = {
  rate_limited: 'E_SEARCH_ENGINE_RATE_LIMITED',
  blocked: 'E_SEARCH_ENGINE_BLOCKED',
  server: 'E_SEARCH_ENGINE_SERVER',
  network: 'E_SEARCH_ENGINE_NETWORK',
  malformed: 'E_SEARCH_ENGINE_MALFORMED',
  bad_request: 'E_SEARCH_ENGINE_BAD_REQUEST',
  suspended: 'E_SEARCH_ENGINE_SUSPENDED',
};

/** Kinds that say the engine (not our request) is failing: these suspend it. */
export const SUSPENDING: ReadonlySet<EngineErrorKind> = new Set(['rate_limited', 'blocked', 'server', 'network', 'malformed']);

export interface EngineErrorOptions {
  status?: number;
  /** What the engine asked for (Retry-After, Stack Exchange `backoff`), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class EngineError extends OctantError {
  readonly kind: EngineErrorKind;
  readonly engine: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(kind: EngineErrorKind, engine: string, message: string, options: EngineErrorOptions = {}) {
    super(CODE[kind], `${engine}: ${message}`, {
      cause: options.cause,
      detail: { kind, engine, status: options.status, retryAfterMs: options.retryAfterMs },
    });
    this.kind = kind;
    this.engine = engine;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isEngineError(value: unknown): value is EngineError {
  return value instanceof EngineError;
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; milliseconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The error an HTTP status means when the engine's body says nothing more precise. */
export function errorOfStatus(engine: string, status: number, headers: Readonly<Record<string, string>>): EngineError {
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const options = { status, retryAfterMs };
  if (status === 429) return new EngineError('rate_limited', engine, 'HTTP 429: too many requests', options);
  if (status === 403 || status === 401) return new EngineError('blocked', engine, `HTTP ${status}: the engine refused us`, options);
  if (status >= 500) return new EngineError('server', engine, `HTTP ${status}: server error`, options);
  return new EngineError('bad_request', engine, `HTTP ${status}: request refused`, options);
}

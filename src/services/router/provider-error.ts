// The typed error every provider adapter maps its failures to. It knows
// whether trying again (here or elsewhere) can help, so the failover loop
// never has to know a provider's quirks.

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { ProviderErrorKind } from './types.ts';

/** Kinds where the same request may succeed later or on another deployment. */
const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'overloaded', 'timeout', 'network', 'server', 'protocol']);

export interface ProviderErrorOptions {
  provider: string;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends OctantError {
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly provider: string;

  constructor(kind: ProviderErrorKind, message: string, options: ProviderErrorOptions) {
    super(`E_ROUTER_${kind.toUpperCase()}`, `${options.provider}: ${message}`, {
      exit: kind === 'auth' ? EXIT.denied : EXIT.failure,
      cause: options.cause,
      detail: { kind, status: options.status, provider: options.provider },
    });
    this.kind = kind;
    this.retryable = RETRYABLE.has(kind);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
  }
}

export function isProviderError(value: unknown): value is ProviderError {
  return value instanceof ProviderError;
}

/** The kind an HTTP status means when the body says nothing more precise. */
export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 413) return 'context_length';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; milliseconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

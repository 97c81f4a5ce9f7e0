// How the gateway's errors read: the statuses of the router's own codes
// (given to the HTTP core's one mapping, lib/http/errors.ts) and the error
// bodies of the two APIs it speaks, so an SDK sees errors it understands,
// as replies and as events inside a stream.

import type { ErrorShape } from '../../../lib/http/route.ts';
import { isOctantError } from '../../../lib/errors.ts';

/**
 * Statuses of the router's codes. 402 for a spent budget: SDKs do not retry
 * it. A provider's failure (E_ROUTER_<kind>, provider-error.ts) is ours to
 * answer, not the provider's status passed through: a bad request or a
 * context overflow is the caller's (400), a rate limit 429, a timeout 504,
 * anything else a bad gateway (502).
 */
export const ROUTER_STATUSES: Readonly<Record<string, number>> = {
  E_ROUTER_BUDGET: 402,
  // The ledger refused the decision record (a sealed partition): retrying cannot help, and SDKs retry a 503.
  E_ROUTER_LEDGER: 500,
  E_ROUTER_UNAVAILABLE: 503,
  E_ROUTER_EXHAUSTED: 503,
  E_ROUTER_CONFIG: 400,
  E_ROUTER_BAD_REQUEST: 400,
  E_ROUTER_CONTEXT_LENGTH: 400,
  E_ROUTER_RATE_LIMITED: 429,
  E_ROUTER_TIMEOUT: 504,
  E_ROUTER_OVERLOADED: 502,
  E_ROUTER_AUTH: 502,
  E_ROUTER_NETWORK: 502,
  E_ROUTER_SERVER: 502,
  E_ROUTER_PROTOCOL: 502,
};

/** The request field an error names (the `param` of OpenAI's error body), or null. */
export function paramOf(error: unknown): string | null {
  const param = isOctantError(error) ? error.detail?.param : undefined;
  return typeof param === 'string' ? param : null;
}

export function messageOfError(error: unknown): string {
  return isOctantError(error) ? `${error.code}: ${error.message}` : 'internal error';
}

/** OpenAI's error body (platform.openai.com/docs/guides/error-codes); in a stream, a data-only event. */
export const OPENAI_ERRORS: ErrorShape = {
  statuses: ROUTER_STATUSES,
  body(error, status) {
    const type = status === 401 ? 'authentication_error' : status === 402 ? 'insufficient_quota' : status === 429 ? 'rate_limit_exceeded' : status < 500 ? 'invalid_request_error' : 'api_error';
    return { error: { message: messageOfError(error), type, param: paramOf(error), code: isOctantError(error) ? error.code : null } };
  },
};

/** Anthropic's error body (docs.anthropic.com/en/api/errors); in a stream, an `error` event. */
export const ANTHROPIC_ERRORS: ErrorShape = {
  statuses: ROUTER_STATUSES,
  sseEvent: 'error',
  body(error, status) {
    const type = status === 401 ? 'authentication_error' : status === 402 ? 'billing_error' : status === 413 ? 'request_too_large' : status === 429 ? 'rate_limit_error' : status === 503 ? 'overloaded_error' : status < 500 ? 'invalid_request_error' : 'api_error';
    return { type: 'error', error: { type, message: messageOfError(error) } };
  },
};

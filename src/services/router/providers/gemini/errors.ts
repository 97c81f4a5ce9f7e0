// Gemini errors (ai.google.dev/gemini-api/docs/troubleshooting: google.rpc
// status names) -> ours. Gemini sends no rate-limit headers; Retry-After and
// the RetryInfo detail are what it gives on 429.

import { ProviderError, kindOfStatus, parseRetryAfter } from '../../provider-error.ts';
import type { ProviderErrorKind, RateLimitInfo } from '../../types.ts';
import { header, type HttpResponse } from '../../outbound.ts';
import { jsonBody } from '../request.ts';
import type { GeminiErrorBody } from './wire.ts';

const BY_STATUS: Record<string, ProviderErrorKind> = {
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'overloaded',
  PERMISSION_DENIED: 'auth',
  UNAUTHENTICATED: 'auth',
  DEADLINE_EXCEEDED: 'timeout',
  INTERNAL: 'server',
  INVALID_ARGUMENT: 'bad_request',
  FAILED_PRECONDITION: 'bad_request',
  NOT_FOUND: 'bad_request',
};

export function mapGeminiError(status: number, body: string, headers: HttpResponse['headers']): ProviderError {
  const err = (jsonBody(body) as GeminiErrorBody | undefined)?.error;
  const message = err?.message ?? (body.slice(0, 200) || `HTTP ${status}`);
  let kind = (err?.status !== undefined ? BY_STATUS[err.status] : undefined) ?? kindOfStatus(status);
  // A bad key is a 400 INVALID_ARGUMENT whose ErrorInfo reason says so.
  if (err?.details?.some((d) => d.reason === 'API_KEY_INVALID')) kind = 'auth';
  if (kind === 'bad_request' && /exceeds the maximum number of tokens|token count/i.test(message)) kind = 'context_length';
  return new ProviderError(kind, message, { provider: 'gemini', status, retryAfterMs: parseRetryAfter(header(headers, 'retry-after')) });
}

export function geminiRateLimit(headers: HttpResponse['headers']): RateLimitInfo {
  return { retryAfterMs: parseRetryAfter(header(headers, 'retry-after')) };
}

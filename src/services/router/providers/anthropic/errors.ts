// Anthropic errors (docs.anthropic.com/en/api/errors) -> ours, and the
// anthropic-ratelimit-* headers (docs "Rate limits", "Response headers").

import { ProviderError, kindOfStatus, parseRetryAfter } from '../../provider-error.ts';
import type { ProviderErrorKind, RateLimitInfo } from '../../types.ts';
import { header, type HttpResponse } from '../../outbound.ts';
import { numberHeader } from '../openai/errors.ts';
import { jsonBody } from '../request.ts';

const BY_TYPE: Record<string, ProviderErrorKind> = {
  invalid_request_error: 'bad_request',
  authentication_error: 'auth',
  permission_error: 'auth',
  not_found_error: 'bad_request',
  request_too_large: 'context_length',
  rate_limit_error: 'rate_limited',
  api_error: 'server',
  overloaded_error: 'overloaded',
};

export function anthropicError(status: number, type: string | undefined, message: string, retryAfterMs?: number): ProviderError {
  let kind = (type !== undefined ? BY_TYPE[type] : undefined) ?? kindOfStatus(status);
  // Context overflow arrives as an invalid_request_error naming the limit.
  if (kind === 'bad_request' && /prompt is too long|context (window|length)/i.test(message)) kind = 'context_length';
  return new ProviderError(kind, message, { provider: 'anthropic', status, retryAfterMs });
}

export function mapAnthropicError(status: number, body: string, headers: HttpResponse['headers']): ProviderError {
  const err = jsonBody(body)?.error as { type?: string; message?: string } | undefined;
  return anthropicError(status, err?.type, err?.message ?? (body.slice(0, 200) || `HTTP ${status}`), parseRetryAfter(header(headers, 'retry-after')));
}

export function anthropicRateLimit(headers: HttpResponse['headers']): RateLimitInfo {
  const now = Date.now();
  const resets = ['anthropic-ratelimit-requests-reset', 'anthropic-ratelimit-tokens-reset']
    .map((h) => Date.parse(header(headers, h) ?? ''))
    .filter((t) => !Number.isNaN(t))
    .map((t) => Math.max(0, t - now));
  return {
    remainingRequests: numberHeader(header(headers, 'anthropic-ratelimit-requests-remaining')),
    remainingTokens: numberHeader(header(headers, 'anthropic-ratelimit-tokens-remaining')),
    resetMs: resets.length > 0 ? Math.max(...resets) : undefined,
    retryAfterMs: parseRetryAfter(header(headers, 'retry-after')),
  };
}

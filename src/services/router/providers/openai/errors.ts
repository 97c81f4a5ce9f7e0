// OpenAI errors (platform.openai.com/docs/guides/error-codes) -> ours, and
// its rate-limit headers (docs "Rate limits": x-ratelimit-*).

import { ProviderError, kindOfStatus, parseRetryAfter } from '../../provider-error.ts';
import type { RateLimitInfo } from '../../types.ts';
import { header, type HttpResponse } from '../../outbound.ts';
import { jsonBody } from '../request.ts';

export function mapOpenAIError(provider: string) {
  return (status: number, body: string, headers: HttpResponse['headers']): ProviderError => {
    const err = jsonBody(body)?.error as { message?: string; code?: string | null; type?: string } | undefined;
    const message = err?.message ?? (body.slice(0, 200) || `HTTP ${status}`);
    let kind = kindOfStatus(status);
    if (err?.code === 'context_length_exceeded' || err?.code === 'string_above_max_length') kind = 'context_length';
    if (err?.type === 'server_error' && status < 500) kind = 'server';
    return new ProviderError(kind, message, { provider, status, retryAfterMs: parseRetryAfter(header(headers, 'retry-after')) });
  };
}

/** "1s", "6m0s", "20ms", "1h2m3.5s" -> milliseconds. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    matched = true;
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return matched ? Math.round(total) : undefined;
}

function num(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function openAIRateLimit(headers: HttpResponse['headers']): RateLimitInfo {
  const resets = [parseDuration(header(headers, 'x-ratelimit-reset-requests')), parseDuration(header(headers, 'x-ratelimit-reset-tokens'))].filter((v) => v !== undefined);
  return {
    remainingRequests: num(header(headers, 'x-ratelimit-remaining-requests')),
    remainingTokens: num(header(headers, 'x-ratelimit-remaining-tokens')),
    resetMs: resets.length > 0 ? Math.max(...resets) : undefined,
    retryAfterMs: parseRetryAfter(header(headers, 'retry-after')),
  };
}

export { num as numberHeader };

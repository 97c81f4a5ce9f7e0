// GitHub signals its rate limits with 403 or 429: the primary limit by
// x-ratelimit-remaining: 0 (x-ratelimit-reset: epoch seconds), the
// secondary one by a message and often Retry-After
// (docs.github.com "Rate limits for the REST API"). A 403 that is neither
// is a refusal; 422 "Validation Failed" is our query.

import { EngineError, errorOfStatus, parseRetryAfter } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'github';

export function readGitHubError(answer: EngineAnswer, now = Date.now()): EngineError | undefined {
  const { status, headers, body } = answer;
  if (status < 400) return undefined;
  const limited = headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(body);
  if ((status === 403 || status === 429) && limited) {
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfterMs = parseRetryAfter(headers['retry-after']) ?? (Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined);
    return new EngineError('rate_limited', ENGINE, `HTTP ${status}: rate limit exceeded`, { status, retryAfterMs });
  }
  return errorOfStatus(ENGINE, status, headers);
}

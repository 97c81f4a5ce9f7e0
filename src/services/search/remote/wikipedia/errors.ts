// MediaWiki reports API errors in a 200 answer: {"error": {"code", "info"}}
// plus the MediaWiki-API-Error header (API:Errors_and_warnings). `maxlag`
// and `ratelimited` mean "later"; anything else is our request.

import { EngineError, parseRetryAfter } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'wikipedia';

export function readWikipediaError(answer: EngineAnswer): EngineError | undefined {
  const code = answer.headers['mediawiki-api-error'];
  if (code === undefined) return undefined;
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after']);
  if (code === 'ratelimited') return new EngineError('rate_limited', ENGINE, 'ratelimited', { status: answer.status, retryAfterMs });
  if (code === 'maxlag' || code === 'readonly' || code.startsWith('internal_api_error')) return new EngineError('server', ENGINE, code, { status: answer.status, retryAfterMs });
  return new EngineError('bad_request', ENGINE, code, { status: answer.status });
}

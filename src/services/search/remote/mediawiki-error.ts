// MediaWiki (Wikipedia, Wikidata) reports API errors in a 200 answer:
// {"error": {"code", "info"}} plus the MediaWiki-API-Error header
// (https://www.mediawiki.org/wiki/API:Errors_and_warnings). `ratelimited`
// is the throttle, `maxlag` and `readonly` mean the wiki is busy; anything
// else is our request.

import { EngineError, parseRetryAfter } from './engine-error.ts';
import type { EngineAnswer, ErrorReader } from './engine-http.ts';

export function mediaWikiErrorReader(engine: string): ErrorReader {
  return (answer: EngineAnswer) => {
    const code = answer.headers['mediawiki-api-error'];
    if (code === undefined) return undefined;
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after']);
    if (code === 'ratelimited') return new EngineError('rate_limited', engine, 'ratelimited', { status: answer.status, retryAfterMs });
    if (code === 'maxlag' || code === 'readonly' || code.startsWith('internal_api_error')) return new EngineError('server', engine, code, { status: answer.status, retryAfterMs });
    return new EngineError('bad_request', engine, code, { status: answer.status });
  };
}

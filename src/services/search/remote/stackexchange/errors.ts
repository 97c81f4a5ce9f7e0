// Stack Exchange errors (https://api.stackexchange.com/docs/error-handling):
// error_id 502 throttle_violation ("more requests available in N seconds")
// is the rate limit, sent as HTTP 400; 500 internal_error and 503
// temporarily_unavailable are the engine's trouble; the rest are ours.

import { EngineError, parseRetryAfter } from '../engine-error.ts';
import { isRecord, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'stackexchange';

export function readStackExchangeError(answer: EngineAnswer): EngineError | undefined {
  if (answer.status < 400) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return undefined; // not the wrapper: the status decides
  }
  if (!isRecord(body) || typeof body.error_id !== 'number') return undefined;
  const name = typeof body.error_name === 'string' ? body.error_name : String(body.error_id);
  const message = `${name}: ${typeof body.error_message === 'string' ? body.error_message : ''}`;
  const options = { status: answer.status, retryAfterMs: parseRetryAfter(answer.headers['retry-after']) };
  if (body.error_id === 502 || name === 'throttle_violation') {
    const wait = /(\d+) seconds?/.exec(message);
    return new EngineError('rate_limited', ENGINE, message, { ...options, retryAfterMs: wait === null ? options.retryAfterMs : Number(wait[1]) * 1000 });
  }
  if (body.error_id === 500 || body.error_id === 503) return new EngineError('server', ENGINE, message, options);
  if (body.error_id === 403 || body.error_id === 402) return new EngineError('blocked', ENGINE, message, options);
  return new EngineError('bad_request', ENGINE, message, options);
}

// arXiv reports a bad query as HTTP 400 (or 200) with a one-entry feed
// whose id is under http://arxiv.org/api/errors (user manual §3.4); that is
// our request. Throttling is HTTP 503 with Retry-After (arXiv asks for one
// request every three seconds), which the status mapping covers.

import { EngineError, errorOfStatus } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';
import { ERROR_ID_PREFIX } from './wire.ts';

export const ENGINE = 'arxiv';

export function readArxivError(answer: EngineAnswer): EngineError | undefined {
  if (answer.body.includes(`<id>${ERROR_ID_PREFIX}`)) {
    const summary = /<summary>([^<]{0,200})/.exec(answer.body)?.[1] ?? 'query error';
    return new EngineError('bad_request', ENGINE, summary.trim(), { status: answer.status });
  }
  return answer.status >= 400 ? errorOfStatus(ENGINE, answer.status, answer.headers) : undefined;
}

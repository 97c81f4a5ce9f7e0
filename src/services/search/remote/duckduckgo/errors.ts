// DuckDuckGo answers a client it distrusts with its own bot check (a form
// with id challenge-form, or an "anomaly" modal) instead of results, often
// with status 202 or 200: both are 'blocked'. It has no error bodies.

import { EngineError, errorOfStatus } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'duckduckgo';

export function readDuckDuckGoError(answer: EngineAnswer): EngineError | undefined {
  if (answer.body.includes('challenge-form') || answer.body.includes('anomaly-modal')) {
    return new EngineError('blocked', ENGINE, 'served a bot check instead of results', { status: answer.status });
  }
  if (answer.status === 202) return new EngineError('blocked', ENGINE, 'HTTP 202 without results (rate limited)', { status: 202 });
  return answer.status >= 400 ? errorOfStatus(ENGINE, answer.status, answer.headers) : undefined;
}

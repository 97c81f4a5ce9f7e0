// Mojeek refuses automated-looking traffic with 403 and a page explaining
// it, and throttles with 429; both are in the status. A 200 page that
// says so (without results) is also 'blocked'.

import { EngineError, errorOfStatus } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'mojeek';

export function readMojeekError(answer: EngineAnswer): EngineError | undefined {
  if (answer.status >= 400) return errorOfStatus(ENGINE, answer.status, answer.headers);
  if (/automated queries|unusual traffic/i.test(answer.body) && !answer.body.includes('results-standard')) {
    return new EngineError('blocked', ENGINE, 'served an "automated queries" page instead of results', { status: answer.status });
  }
  return undefined;
}

// OpenAlex answers a bad parameter with 400 {"error", "message"} and
// throttling with 429 (https://docs.openalex.org/how-to-use-the-api/rate-limits-and-authentication).

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'openalex';

export function readOpenAlexError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"message"\s*:\s*"([^"]+)"/);
}

// OpenAlex answers a bad parameter with 400 {"error", "message"} and
// throttling with 429 (https://docs.openalex.org/how-to-use-the-api/rate-limits-and-authentication).

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'openalex';

export function readOpenAlexError(answer: EngineAnswer): EngineError | undefined {
  if (answer.status < 400) return undefined;
  const error = errorOfStatus(ENGINE, answer.status, answer.headers);
  const m = /"message"\s*:\s*"([^"]{1,200})"/.exec(answer.body);
  if (m !== null) error.message = `${error.message} (${m[1]})`;
  return error;
}

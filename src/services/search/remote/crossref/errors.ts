// Crossref answers a bad parameter with 400 and a validation-failure
// envelope; throttling is 429 (its rate limit headers announce the
// limit). The status decides; the failure's message is kept.

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import { isRecord, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'crossref';

export function readCrossrefError(answer: EngineAnswer): EngineError | undefined {
  if (answer.status < 400) return undefined;
  const error = errorOfStatus(ENGINE, answer.status, answer.headers);
  try {
    const body: unknown = JSON.parse(answer.body);
    const first = isRecord(body) && Array.isArray(body.message) ? body.message[0] : undefined;
    if (isRecord(first) && typeof first.message === 'string') error.message = `${error.message} (${first.message.slice(0, 200)})`;
  } catch {
    // plain-text error pages: the status says enough
  }
  return error;
}

// Crossref answers a bad parameter with 400 and a validation-failure
// envelope ({"message": [{"type", "value", "message"}]}); throttling is 429.
// The status decides; the failure's message is kept.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'crossref';

export function readCrossrefError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"message"\s*:\s*"([^"]+)"/);
}

// aurweb answers errors as a 200 or 4xx with {"type": "error", "error": "..."} (convert.ts reads the 200 form); 429 when throttled.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'aur';

export function readAurError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"error"\\s*:\\s*"([^"]+)"/);
}

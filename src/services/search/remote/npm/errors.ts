// The npm registry answers errors with a status and {"error": "..."}
// (REGISTRY-API.md "Errors"); the status decides, the text is kept.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'npm';

export function readNpmError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"error"\s*:\s*"([^"]+)"/);
}

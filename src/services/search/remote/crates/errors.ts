// crates.io answers errors as {"errors": [{"detail": "..."}]} with a
// status; 403 is its crawler policy refusing us, 429 its rate limit.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'crates';

export function readCratesError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"detail"\s*:\s*"([^"]+)"/);
}

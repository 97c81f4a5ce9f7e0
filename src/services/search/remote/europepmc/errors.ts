// Europe PMC answers errors with a status (and an errCode/errMsg body); the status decides.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'europepmc';

export function readEuropePmcError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"(?:errMsg|message)"\\s*:\\s*"([^"]+)"/);
}

// Photon answers a bad parameter with 400 {"message": "..."} and throttling with 429; the status decides.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'photon';

export function readPhotonError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"(?:message|error|detail)"\\s*:\\s*"([^"]+)"/);
}

// HAL answers a bad query with 400 and a Solr error ({"error": {"msg": ...}}); the status decides.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'hal';

export function readHalError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"msg"\\s*:\\s*"([^"]+)"/);
}

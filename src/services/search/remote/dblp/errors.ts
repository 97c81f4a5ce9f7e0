// dblp answers errors with a status (429 when throttled, with Retry-After); the status decides.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'dblp';

export function readDblpError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"(?:message|error|detail)"\\s*:\\s*"([^"]+)"/);
}

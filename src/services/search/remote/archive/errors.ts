// archive.org answers errors with a status, or a 200 whose responseHeader.status is not 0 (convert.ts); the status decides.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'archive';

export function readInternetArchiveError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"(?:message|error|detail)"\\s*:\\s*"([^"]+)"/);
}

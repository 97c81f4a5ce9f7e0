// archlinux.org answers errors with a status; an invalid query is a 200 with "valid": false (convert.ts).

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'archlinux';

export function readArchLinuxError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"(?:message|error|detail)"\\s*:\\s*"([^"]+)"/);
}

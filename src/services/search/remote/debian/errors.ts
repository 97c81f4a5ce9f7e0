// sources.debian.org answers errors with a status and {"error": "..."};
// the status decides.

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'debian';

export function readDebianError(answer: EngineAnswer): EngineError | undefined {
  return answer.status >= 400 ? errorOfStatus(ENGINE, answer.status, answer.headers) : undefined;
}

// PyPI answers 404 for a project that does not exist (not an error here:
// no hit); other statuses follow the shared mapping.

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'pypi';

export function readPyPiError(answer: EngineAnswer): EngineError | undefined {
  return answer.status >= 400 && answer.status !== 404 ? errorOfStatus(ENGINE, answer.status, answer.headers) : undefined;
}

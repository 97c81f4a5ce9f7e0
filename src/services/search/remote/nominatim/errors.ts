// Nominatim refuses heavy or unidentified use with 403 or 429 (usage
// policy: https://operations.osmfoundation.org/policies/nominatim/); a bad
// parameter is a 400 with an error object. The status decides.

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'nominatim';

export function readNominatimError(answer: EngineAnswer): EngineError | undefined {
  return answer.status >= 400 ? errorOfStatus(ENGINE, answer.status, answer.headers) : undefined;
}

// Google News answers throttling with 429 and a refusal with 403 or a redirect to its consent or sorry pages (engine-http.ts treats any redirect as blocked); the status decides.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'googlenews';

export function readGoogleNewsError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"(?:message|error|detail)"\\s*:\\s*"([^"]+)"/);
}

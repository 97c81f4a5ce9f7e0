// Semantic Scholar throttles unauthenticated clients hard (a shared pool):
// 429 with {"message": "Too Many Requests..."}; a bad parameter is 400
// {"error": "..."}. The status decides; the text is kept.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'semanticscholar';

export function readSemanticScholarError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"(?:error|message)"\s*:\s*"([^"]+)"/);
}

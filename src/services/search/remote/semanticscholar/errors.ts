// Semantic Scholar throttles unauthenticated clients hard (a shared pool):
// 429 with {"message": "Too Many Requests..."}; a bad parameter is 400
// {"error": "..."}. The status decides; the text is kept.

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'semanticscholar';

export function readSemanticScholarError(answer: EngineAnswer): EngineError | undefined {
  if (answer.status < 400) return undefined;
  const error = errorOfStatus(ENGINE, answer.status, answer.headers);
  const m = /"(?:error|message)"\s*:\s*"([^"]{1,200})"/.exec(answer.body);
  if (m !== null) error.message = `${error.message} (${m[1]})`;
  return error;
}

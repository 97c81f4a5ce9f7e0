// The npm registry answers errors with a status and {"error": "..."}
// (REGISTRY-API.md "Errors"); the status alone decides what we do, so the
// shared mapping applies, with the body's text in the message.

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'npm';

export function readNpmError(answer: EngineAnswer): EngineError | undefined {
  if (answer.status < 400) return undefined;
  const error = errorOfStatus(ENGINE, answer.status, answer.headers);
  const m = /"error"\s*:\s*"([^"]{1,200})"/.exec(answer.body);
  if (m !== null) error.message = `${error.message} (${m[1]})`;
  return error;
}

// crates.io answers errors as {"errors": [{"detail": "..."}]} with a
// status; 403 is its crawler policy refusing us, 429 its rate limit.

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import { isRecord, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'crates';

export function readCratesError(answer: EngineAnswer): EngineError | undefined {
  if (answer.status < 400) return undefined;
  const error = errorOfStatus(ENGINE, answer.status, answer.headers);
  try {
    const body: unknown = JSON.parse(answer.body);
    const first = isRecord(body) && Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (isRecord(first) && typeof first.detail === 'string') error.message = `${error.message} (${first.detail.slice(0, 200)})`;
  } catch {
    // not the error shape: the status says enough
  }
  return error;
}

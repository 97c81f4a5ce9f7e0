// Algolia answers errors as {"message": "...", "status": N} with that HTTP
// status; 429 past 10,000 requests an hour per address (hn.algolia.com/api).
// The status decides.

import { errorOfStatus, type EngineError } from '../engine-error.ts';
import type { EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'hackernews';

export function readHackerNewsError(answer: EngineAnswer): EngineError | undefined {
  return answer.status >= 400 ? errorOfStatus(ENGINE, answer.status, answer.headers) : undefined;
}

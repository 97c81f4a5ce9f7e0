// E-utilities errors: 429 {"error": "API rate limit exceeded"} past three
// requests a second per address; an unrunnable query is a 200 whose
// esearchresult carries ERROR (our request).

import { EngineError, errorOfStatus } from '../engine-error.ts';
import { isRecord, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'pubmed';

export function readPubMedError(answer: EngineAnswer): EngineError | undefined {
  if (answer.status >= 400) return errorOfStatus(ENGINE, answer.status, answer.headers);
  if (!answer.body.includes('"ERROR"')) return undefined;
  try {
    const body: unknown = JSON.parse(answer.body);
    const result = isRecord(body) && isRecord(body.esearchresult) ? body.esearchresult : undefined;
    if (result !== undefined && typeof result.ERROR === 'string') return new EngineError('bad_request', ENGINE, result.ERROR.slice(0, 200), { status: answer.status });
  } catch {
    // parseJson reports it as malformed
  }
  return undefined;
}

// DataCite answers errors JSON:API style ({"errors": [{"status", "title"}]}) with a status; the status decides.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'datacite';

export function readDataCiteError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"title"\\s*:\\s*"([^"]+)"/);
}

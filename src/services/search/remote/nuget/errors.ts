// The NuGet search service answers errors with a status; the status decides.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'nuget';

export function readNuGetError(answer: EngineAnswer): EngineError | undefined {
  return statusError(ENGINE, answer, /"(?:message|error|detail)"\\s*:\\s*"([^"]+)"/);
}

// PUG REST answers a failure with a status and {"Fault": {"Code",
// "Message"}}: PUGREST.NotFound (404) is no hit here (index.ts),
// PUGREST.ServerBusy (503) and 429 are throttling, PUGREST.BadRequest
// (400) is ours. The status decides; the message is kept.

import type { EngineError } from '../engine-error.ts';
import { statusError, type EngineAnswer } from '../engine-http.ts';

export const ENGINE = 'pubchem';

export function readPubChemError(answer: EngineAnswer): EngineError | undefined {
  return answer.status === 404 ? undefined : statusError(ENGINE, answer, /"Message"\s*:\s*"([^"]+)"/);
}

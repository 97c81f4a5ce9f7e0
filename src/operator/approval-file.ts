// `octant run --approval FILE`: a signed approval (`octant manifest approve`)
// read from a file and handed to the system with the start. Only its JSON is
// read here, naming the file when it is not JSON; the system reads its fields
// and verifies its signature against the trusted keys (validation rule 9),
// so nothing here decides whether it approves anything.

import { readFileSync, statSync } from 'node:fs';
import { EXIT, OctantError, messageOf } from '../lib/errors.ts';

const MAX_BYTES = 64 * 1024;

export function readApprovalFile(file: string): unknown {
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new OctantError('E_APPROVAL_FILE', `--approval ${file}: larger than ${MAX_BYTES} bytes; not an approval`, { exit: EXIT.usage });
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof OctantError) throw error;
    throw new OctantError('E_APPROVAL_FILE', `--approval ${file}: cannot read: ${messageOf(error)}`, { exit: EXIT.usage, cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new OctantError('E_APPROVAL_FILE', `--approval ${file}: not JSON: ${messageOf(error)}`, { exit: EXIT.usage, hint: "make one with 'octant manifest approve MANIFEST --key KEY --out FILE'" });
  }
}

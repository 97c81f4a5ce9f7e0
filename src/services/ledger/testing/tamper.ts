// What an attacker with write access to the state directory can do to the
// log, for tests proving that verification catches it: read the segment's
// records, and write a segment back from records in any order, each with a
// valid frame (so only the hash chain, the tree or a checkpoint can tell).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paths } from '../../../runtime/paths.ts';
import { ledgerDir, readLedger, SEGMENT_FILE } from '../read.ts';
import { frame, MAGIC } from '../records.ts';

/** The segment file of a state root. */
export function segmentPath(paths: Paths): string {
  return join(ledgerDir(paths), SEGMENT_FILE);
}

/** Each record's payload (an entry's canonical bytes), in file order. */
export function segmentPayloads(paths: Paths): Buffer[] {
  return readLedger(ledgerDir(paths)).scan.records.map((r) => Buffer.from(r.payload));
}

/** Replace the segment with these payloads, each in a valid frame. */
export function rewriteSegment(paths: Paths, payloads: readonly Buffer[]): void {
  writeFileSync(segmentPath(paths), Buffer.concat([MAGIC, ...payloads.map((p) => frame(p))]));
}

// Entries appended after a byte offset of the segment (`ledger tail -f`):
// read from there on, not the whole log again. A record still being
// written (torn) is left for the next call.

import { join } from 'node:path';
import { scanRecords } from './records.ts';
import { parseEntry } from './entry.ts';
import { SEGMENT_FILE, readFrom } from './read.ts';
import type { LedgerEntry } from './types.ts';

export function entriesAfter(dir: string, from: number): { entries: LedgerEntry[]; next: number } {
  const buf = readFrom(join(dir, SEGMENT_FILE), false, from);
  if (buf.length === 0) return { entries: [], next: from };
  const scan = scanRecords(buf, from, true);
  const entries: LedgerEntry[] = [];
  for (const r of scan.records) {
    const entry = parseEntry(r.payload);
    if (entry !== undefined) entries.push(entry);
  }
  return { entries, next: scan.end };
}

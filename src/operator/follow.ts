// Following, for `agent logs -f` and `ledger tail -f`: poll until told to
// stop (Ctrl-C, or the agent ended), like `tail -f`. Polling, not inotify:
// the files may not exist yet, and a poll every 200 ms is cheap.

import { join } from 'node:path';
import { scanRecords } from '../services/ledger/records.ts';
import { parseEntry } from '../services/ledger/entry.ts';
import { SEGMENT_FILE, readFrom } from '../services/ledger/read.ts';
import type { LedgerEntry } from '../services/ledger/types.ts';
import { followLog } from './log-follower.ts';

const POLL_MS = 200;

/** Resolves on SIGINT/SIGTERM, or when `ended()` turns true (checked each poll). */
export function untilStopped(ended: () => boolean = () => false): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearInterval(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    const timer = setInterval(() => { if (ended()) done(); }, POLL_MS);
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/** Follow an agent's log file (escaped, as log-follower.ts does) until it ends or Ctrl-C. */
export async function followAgentLog(file: string, write: (text: string) => void, ended: () => boolean): Promise<void> {
  const follower = followLog(file, write, POLL_MS);
  try {
    await untilStopped(ended);
  } finally {
    follower.stop();
  }
}

/**
 * Entries appended after byte `from` of the ledger segment, read from there
 * on (not the whole log again), and the offset to continue from. A record
 * still being written (torn) is left for the next poll.
 */
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

/** Print new ledger entries (those `keep` accepts) as they are appended, until Ctrl-C. */
export async function followLedger(dir: string, from: number, keep: (e: LedgerEntry) => boolean, print: (entries: LedgerEntry[]) => void): Promise<void> {
  let offset = from;
  const poll = (): void => {
    const { entries, next } = entriesAfter(dir, offset);
    offset = next;
    const kept = entries.filter(keep);
    if (kept.length > 0) print(kept);
  };
  const timer = setInterval(poll, POLL_MS);
  try {
    await untilStopped();
  } finally {
    clearInterval(timer);
    poll();
  }
}

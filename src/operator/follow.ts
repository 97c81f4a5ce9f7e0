// Following, for `agent logs -f` and `ledger tail -f`: poll until told to
// stop (Ctrl-C, or the agent ended), like `tail -f`. Polling, not inotify:
// the files may not exist yet, and a poll every 200 ms is cheap.

import { entriesAfter, type LedgerEntry } from '../services/ledger/api.ts';
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

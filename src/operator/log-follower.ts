// Follows a log file an agent writes (its stdout.log or stderr.log) and
// hands each new piece to `write`, escaped (the text is the agent's: control
// characters must not reach the operator's terminal). Polling, not inotify:
// the file may not exist yet, and a poll every 100 ms is cheap next to an
// agent's run. A multi-byte character cut by a read is held until complete.

import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { safeLines } from '../lib/safe-text.ts';

export interface Follower {
  /** Reads what is left, writes it, and stops. */
  stop(): void;
}

export function followLog(file: string, write: (text: string) => void, pollMs = 100): Follower {
  let fd: number | undefined;
  let offset = 0;
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(64 * 1024);
  const drain = (): void => {
    if (fd === undefined) {
      if (!existsSync(file)) return;
      fd = openSync(file, 'r');
    }
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n <= 0) return;
      offset += n;
      const text = decoder.write(buffer.subarray(0, n));
      if (text !== '') write(safeLines(text).text);
    }
  };
  const timer = setInterval(drain, pollMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      drain();
      const rest = decoder.end();
      if (rest !== '') write(safeLines(rest).text);
      if (fd !== undefined) closeSync(fd);
    },
  };
}

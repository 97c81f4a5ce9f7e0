// Structured operational logging: one JSON object per line.
// Callers pass facts, never secret values (the vault's redactor is applied
// by the sink when one is configured).

import { closeSync, writeSync } from 'node:fs';
import { openPrivate } from '../lib/private-files.ts';

/** Where log lines go: a stream (stderr, a test's capture) or an appending file. */
export interface LogSink {
  write(text: string): unknown;
}

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export type Redactor = (text: string) => string;

export function createLogger(sink: LogSink | null, scope = 'octant', redact: Redactor = (t) => t): Logger {
  const log = (level: Level, msg: string, fields: Record<string, unknown> = {}): void => {
    if (sink === null) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, scope, msg, ...fields });
    sink.write(`${redact(line)}\n`);
  };
  return {
    log,
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (name) => createLogger(sink, `${scope}.${name}`, redact),
  };
}

/** A logger that drops everything (tests, utilities). */
export const silentLogger: Logger = createLogger(null);

/** An append-only log file written synchronously, line by line. */
export interface FileSink extends LogSink {
  close(): void;
}

/**
 * Open (create, mode 0600) `file` for appending. Each line is one write(2) on
 * an O_APPEND descriptor, so it is in the file before the caller goes on (log
 * first, act second) and lines from concurrent writers never interleave. An
 * unopenable file throws here, at boot, not later on a stream's error event.
 * Synchronous on purpose: fs.createWriteStream loads Node's stream machinery
 * (~4-6 ms of CPU at every boot, docs/benchmarks.md "Boot").
 */
export function openFileSink(file: string): FileSink {
  let fd: number | null = openPrivate(file, 'a');
  return {
    write(text: string): void {
      if (fd !== null) writeSync(fd, text);
    },
    close(): void {
      if (fd === null) return;
      const open = fd;
      fd = null;
      closeSync(open);
    },
  };
}

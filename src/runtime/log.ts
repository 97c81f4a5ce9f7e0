// Structured operational logging: one JSON object per line.
// Callers pass facts, never secret values (the vault's redactor is applied
// by the sink when one is configured).

import type { Writable } from 'node:stream';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export type Redactor = (text: string) => string;

export function createLogger(sink: Writable | null, scope = 'octant', redact: Redactor = (t) => t): Logger {
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

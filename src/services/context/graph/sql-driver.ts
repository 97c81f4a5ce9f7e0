// The little SQL T4 needs, over SQLite (node:sqlite, one file per machine)
// or PostgreSQL (a fleet's shared server, postgres-driver.ts). Statements
// are written once with `?` placeholders in the subset both dialects share
// (ON CONFLICT DO NOTHING, WITH RECURSIVE, IN lists); the PostgreSQL driver
// numbers the placeholders ($1, $2...). Both drivers are async so callers do
// not care which one they hold.

import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Run `fn` in one transaction (statements of others wait until it ends). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** After a forget: leave no copy of deleted rows where the database can (SQLite: checkpoint and truncate the WAL). */
  scrub(): Promise<void>;
  close(): Promise<void>;
}

/** `?` placeholders -> `$1, $2...` (no `?` appears in T4's statements other than as a placeholder). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * A driver over one node:sqlite database (the caller owns and closes it).
 * secure_delete: deleted rows are overwritten with zeros in the file, so a
 * forgotten entity's name is not left in a free page.
 */
export function sqliteDriver(db: DatabaseSync): SqlDriver {
  db.exec('PRAGMA secure_delete = ON');
  // node:sqlite is synchronous: a transaction's statements cannot interleave
  // with others' as long as `fn` does not wait on anything but this driver,
  // which the queue below guarantees for callers that use it.
  let queue: Promise<unknown> = Promise.resolve();
  const params = (p: readonly SqlValue[] | undefined): SQLInputValue[] => (p ?? []).slice();
  // Prepared once per text: T4 runs the same few statements over and over
  // (IN lists of different lengths are different texts; the cache is bounded).
  const cache = new Map<string, StatementSync>();
  const prepare = (sql: string): StatementSync => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= 256) cache.delete(cache.keys().next().value!);
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  return {
    dialect: 'sqlite',
    all: async (sql, p) => prepare(sql).all(...params(p)),
    run: async (sql, p) => {
      prepare(sql).run(...params(p));
    },
    transaction<T>(fn: () => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn();
          db.exec('COMMIT');
          return value;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    scrub: async () => {
      // No old page image may stay in the WAL (a no-op outside WAL mode).
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    },
    close: async () => undefined,
  };
}

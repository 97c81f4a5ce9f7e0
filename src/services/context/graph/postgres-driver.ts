// T4 on PostgreSQL (docs/memory.md "Scaling out"): the graph tier's SQL
// driver over postgres-wire.ts, so a fleet of machines shares one graph per
// agent partition. The statements are T4's own (written once for both
// dialects, sql-driver.ts); only the placeholders are renumbered.

import { numberPlaceholders, type SqlDriver } from './sql-driver.ts';
import { PgConnection, type PgConnectOptions } from './postgres-wire.ts';

export async function postgresDriver(options: PgConnectOptions): Promise<SqlDriver> {
  const conn = await PgConnection.connect(options);
  let queue: Promise<unknown> = Promise.resolve();
  const texts = new Map<string, string>();
  const numbered = (sql: string): string => {
    let out = texts.get(sql);
    if (out === undefined) {
      out = numberPlaceholders(sql);
      if (texts.size < 256) texts.set(sql, out);
    }
    return out;
  };
  return {
    dialect: 'postgres',
    all: (sql, params) => conn.query(numbered(sql), params ?? []),
    run: async (sql, params) => {
      await conn.query(numbered(sql), params ?? []);
    },
    transaction<T>(fn: () => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        await conn.simple('BEGIN');
        try {
          const value = await fn();
          await conn.simple('COMMIT');
          return value;
        } catch (error) {
          await conn.simple('ROLLBACK');
          throw error;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    // Deleted rows stay in their pages as dead tuples until VACUUM reuses the
    // space (docs/memory.md "Scaling out": what forgetting means there).
    scrub: async () => undefined,
    close: () => conn.close(),
  };
}

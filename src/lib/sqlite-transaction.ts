// One synchronous node:sqlite transaction: `fn`'s writes commit together or,
// if it throws, none of them do (the error is rethrown). For work that never
// awaits inside; an async driver has its own (services/context/graph/sql-driver.ts).

import type { DatabaseSync } from 'node:sqlite';

export function inTransaction<T>(db: DatabaseSync, fn: () => T, begin: 'BEGIN' | 'BEGIN IMMEDIATE' = 'BEGIN'): T {
  db.exec(begin);
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

// The texts of a partition's memories, a page at a time, for re-embedding
// it when its T3 embedder changes (vectors/partition-embedders.ts). Read-only
// on the partition's file (WAL: it never blocks the store's writes); each
// page is its own statement, so no read transaction is held across the
// awaits between pages, and memories written meanwhile (higher `n`) are read
// by a later page.

import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

export interface MemoryText {
  id: string;
  text: string;
}

/** Every memory of the partition file (stored text: already redacted), in write order. */
export function* memoryTexts(file: string, pageSize = 256): Generator<MemoryText[]> {
  if (!existsSync(file)) return;
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const page = db.prepare('SELECT n, id, text FROM memory WHERE n > ? ORDER BY n LIMIT ?');
    let after = -1;
    for (;;) {
      const rows = page.all(after, pageSize);
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1].n);
      yield rows.map((r) => ({ id: String(r.id), text: String(r.text) }));
    }
  } finally {
    db.close();
  }
}

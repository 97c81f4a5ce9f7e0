// Plain BM25 over SQLite FTS5: the baseline hybrid recall is compared with
// (`octant memory eval`, bench/memory-*.ts). No analyzer beyond FTS5's
// unicode61 tokenizer, no recency, no tiers. The query's words are OR-ed
// (FTS5's default is AND, which would find nothing for most questions);
// ranking is FTS5's bm25().

import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from '../../../lib/sqlite-transaction.ts';
import type { Memory, Partition, RecallTier, TierHit } from '../types.ts';
import { words } from '../vectors/hashed-embedding.ts';

export class Bm25Tier implements RecallTier {
  readonly name = 't2';
  private readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS bench_fts USING fts5(partition UNINDEXED, id UNINDEXED, text, tokenize = 'unicode61')`);
  }
  add(memory: Memory): void {
    this.db.prepare('INSERT INTO bench_fts (partition, id, text) VALUES (?, ?, ?)').run(memory.partition, memory.id, memory.text);
  }
  addMany(memories: readonly Pick<Memory, 'partition' | 'id' | 'text'>[]): void {
    const put = this.db.prepare('INSERT INTO bench_fts (partition, id, text) VALUES (?, ?, ?)');
    inTransaction(this.db, () => {
      for (const m of memories) put.run(m.partition, m.id, m.text);
    });
  }
  remove(partition: Partition, id: string): void {
    this.db.prepare('DELETE FROM bench_fts WHERE partition = ? AND id = ?').run(partition, id);
  }
  search(partition: Partition, query: string, k: number): TierHit[] {
    const terms = [...new Set(words(query))].map((w) => `"${w}"`);
    if (terms.length === 0) return [];
    const rows = this.db.prepare('SELECT id, bm25(bench_fts) AS s FROM bench_fts WHERE bench_fts MATCH ? AND partition = ? ORDER BY s LIMIT ?').all(terms.join(' OR '), partition, k);
    return rows.map((r) => ({ id: String(r.id), score: -Number(r.s) }));
  }
}

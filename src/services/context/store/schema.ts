// The SQLite layout of one partition's file (T1 and T2 live in it, so one
// transaction keeps them in step) and the settings every connection to it
// uses. docs/memory.md "T1" and "Crash safety" explain the choices.
//
// - memory: one row per memory (what forget() deletes); its text is what T2
//   indexes (external-content FTS5, kept in step by triggers).
// - version: the bi-temporal versions of a memory: valid time
//   [valid_from, valid_to) and transaction time [recorded_at, superseded_at).
//   A note or turn has one; a fact gains one each time a contradicting fact
//   closes or splits its validity (the old version is superseded, never
//   rewritten), so "what did the agent believe at T" reads the versions
//   whose transaction time contains T.
// - forget_pending: removals a RecallTier (T3, T4) has not confirmed yet,
//   written in the same transaction as the delete, retried until done, so a
//   crash or a failing tier cannot leave a forgotten memory findable there.

import type { DatabaseSync } from 'node:sqlite';
import { OctantError } from '../../../lib/errors.ts';

/** Bumped when the layout changes; a file of another version is refused (E_MEMORY_SCHEMA). */
export const SCHEMA_VERSION = 1;

/**
 * How a commit is made durable:
 * - 'full' (default): synchronous=FULL in WAL mode, the WAL is fsynced at
 *   every commit, so an acknowledged put survives kill -9 AND a power loss.
 * - 'normal': synchronous=NORMAL, fsync only at checkpoints: an acknowledged
 *   put survives kill -9 of the process (the WAL write reached the kernel)
 *   but the last commits may be lost on a power loss or kernel crash.
 * docs/benchmarks.md "Memory" has the cost of each.
 */
export type Durability = 'full' | 'normal';

export interface TextIndexSpec {
  /** FTS5 `tokenize` option. */
  tokenize: string;
}

function ddl(text: TextIndexSpec): string {
  const tokenize = text.tokenize.replaceAll("'", "''");
  return `
CREATE TABLE IF NOT EXISTS memory (
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('fact', 'note', 'turn')),
  key TEXT,
  text TEXT NOT NULL,
  importance REAL NOT NULL,
  pinned INTEGER NOT NULL,
  tags TEXT,
  relation TEXT,
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER
);
CREATE INDEX IF NOT EXISTS memory_key ON memory(key) WHERE key IS NOT NULL;
CREATE INDEX IF NOT EXISTS memory_created ON memory(created_at);
CREATE INDEX IF NOT EXISTS memory_pinned ON memory(n) WHERE pinned = 1;
CREATE TABLE IF NOT EXISTS version (
  v INTEGER PRIMARY KEY,
  n INTEGER NOT NULL REFERENCES memory(n),
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  recorded_at INTEGER NOT NULL,
  superseded_at INTEGER
);
CREATE INDEX IF NOT EXISTS version_n ON version(n);
CREATE TABLE IF NOT EXISTS forget_pending (
  id TEXT NOT NULL,
  tier TEXT NOT NULL,
  PRIMARY KEY (id, tier)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS memory_fts USING fts5(
  text, key, tags, content='memory', content_rowid='n', tokenize='${tokenize}'
);
CREATE VIRTUAL TABLE IF NOT EXISTS memory_fts_terms USING fts5vocab(memory_fts, row);
CREATE TRIGGER IF NOT EXISTS memory_ai AFTER INSERT ON memory BEGIN
  INSERT INTO memory_fts(rowid, text, key, tags) VALUES (new.n, new.text, new.key, new.tags);
END;
CREATE TRIGGER IF NOT EXISTS memory_ad AFTER DELETE ON memory BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, text, key, tags) VALUES ('delete', old.n, old.text, old.key, old.tags);
END;
CREATE TRIGGER IF NOT EXISTS memory_au AFTER UPDATE OF text, key, tags ON memory BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, text, key, tags) VALUES ('delete', old.n, old.text, old.key, old.tags);
  INSERT INTO memory_fts(rowid, text, key, tags) VALUES (new.n, new.text, new.key, new.tags);
END;
`;
}

/**
 * Opens (creating) a partition file with the store's settings. Any
 * connection to it (the service's, an import worker's) goes through here, so
 * every writer deletes securely and commits with the same durability.
 */
export function openPartitionFile(file: string, durability: Durability, text: TextIndexSpec): DatabaseSync {
  // getBuiltinModule, not an import: this file also runs in a worker of the
  // executable, whose bundle must load builtins by name (store-worker.ts).
  const db = new (process.getBuiltinModule('node:sqlite').DatabaseSync)(file);
  try {
    // WAL: readers never block the writer; a torn last commit is ignored on
    // reopen (its frame checksum fails), so what was acknowledged is exactly
    // what a reopen sees.
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    // Freed space is zeroed: a forgotten memory's text is not left in free pages.
    db.exec('PRAGMA secure_delete = ON');
    db.exec('PRAGMA foreign_keys = ON');
    // An import worker and the service may both write: wait, do not fail.
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    const version = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
    if (version === 0) {
      db.exec(ddl(text));
      // FTS5 secure-delete: a deleted row's terms leave the index at once
      // instead of staying behind a delete marker until the next merge.
      db.exec("INSERT INTO memory_fts(memory_fts, rank) VALUES ('secure-delete', 1)");
      // The rank T2 orders by: BM25 with the text weighing most, then the key, then the tags.
      db.exec("INSERT INTO memory_fts(memory_fts, rank) VALUES ('rank', 'bm25(1.0, 0.5, 0.25)')");
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    }
    db.exec('COMMIT');
    if (version !== 0 && version !== SCHEMA_VERSION) {
      throw new OctantError('E_MEMORY_SCHEMA', `${file}: memory schema version ${version}, this build reads ${SCHEMA_VERSION}`);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * After a forget: the WAL holds page images written before it (the
 * forgotten text among them) until a checkpoint copies them back and
 * truncates it. Returns false when a reader kept the checkpoint from
 * finishing (the caller retries at the next forget or sweep).
 */
export function checkpointTruncate(db: DatabaseSync): boolean {
  const row = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get();
  return row !== undefined && Number(row.busy) === 0;
}

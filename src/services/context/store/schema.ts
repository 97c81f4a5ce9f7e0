// The SQLite layout of one partition's file (T1 and T2 live in it, so one
// transaction keeps them in step) and the settings every connection to it
// uses. docs/memory.md "T1" and "Crash safety" explain the choices.
//
// - memory: one row per memory (what forget() deletes).
// - version: the bi-temporal versions of a memory: valid time
//   [valid_from, valid_to) and transaction time [recorded_at, superseded_at).
//   A note or turn has one; a fact gains one each time a contradicting fact
//   closes or splits its validity (the old version is superseded, never
//   rewritten), so "what did the agent believe at T" reads the versions
//   whose transaction time contains T.
// - forget_pending: removals a RecallTier (T3, T4) has not confirmed yet,
//   written in the same transaction as the delete, retried until done, so a
//   crash or a failing tier cannot leave a forgotten memory findable there.
// - memory_fts: T2, FTS5 with external content on memory's *_terms columns:
//   the text, key and tags as the shared analyzer (lib/text/analyzer.ts)
//   turned them into terms, space-separated, so FTS5's 'ascii' tokenizer
//   splits them back exactly. Triggers keep it in step with memory in the
//   same transactions; a delete hands FTS5 the very terms that were indexed
//   (stored, never re-analyzed: an analyzer that changed between builds
//   cannot leave terms behind).

import type { DatabaseSync } from 'node:sqlite';
import { OctantError } from '../../../lib/errors.ts';
import { createAnalyzer, type Analyzer } from '../../../lib/text/analyzer.ts';
import { num, str } from './rows.ts';

/**
 * The layout's version (PRAGMA user_version); a file of another version is
 * refused (E_MEMORY_SCHEMA). Version 1 (T2 over the raw text with SQLite's
 * porter tokenizer) was never released.
 */
export const SCHEMA_VERSION = 2;

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

/** T2's columns and their BM25 weights: the text weighs most, then the key, then the tags. */
export const TEXT_RANK = "bm25(1.0, 0.5, 0.25)";

const DDL = `
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
  confirmed_at INTEGER,
  text_terms TEXT NOT NULL DEFAULT '',
  key_terms TEXT NOT NULL DEFAULT '',
  tags_terms TEXT NOT NULL DEFAULT ''
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
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS forget_pending (
  id TEXT NOT NULL,
  tier TEXT NOT NULL,
  PRIMARY KEY (id, tier)
) WITHOUT ROWID;
`;

const TEXT_DDL = `
CREATE VIRTUAL TABLE memory_fts USING fts5(
  text_terms, key_terms, tags_terms, content='memory', content_rowid='n', tokenize='ascii'
);
CREATE VIRTUAL TABLE memory_fts_terms USING fts5vocab(memory_fts, row);
CREATE TRIGGER memory_ai AFTER INSERT ON memory BEGIN
  INSERT INTO memory_fts(rowid, text_terms, key_terms, tags_terms) VALUES (new.n, new.text_terms, new.key_terms, new.tags_terms);
END;
CREATE TRIGGER memory_ad AFTER DELETE ON memory BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, text_terms, key_terms, tags_terms) VALUES ('delete', old.n, old.text_terms, old.key_terms, old.tags_terms);
END;
`;

/** What T2 indexes of a memory: the analyzer's terms of its text, key and tags. */
export interface TextTerms {
  text_terms: string;
  key_terms: string;
  tags_terms: string;
}

export function textTerms(analyzer: Analyzer, text: string, key: string | undefined, tags: readonly string[] | undefined): TextTerms {
  return {
    text_terms: analyzer.terms(text).join(' '),
    key_terms: key === undefined ? '' : analyzer.terms(key).join(' '),
    tags_terms: tags === undefined ? '' : analyzer.terms(tags.join(' ')).join(' '),
  };
}

/** Creates T2 in a file that has none. */
function createText(db: DatabaseSync): void {
  db.exec(TEXT_DDL);
  // FTS5 secure-delete: a deleted row's terms leave the index at once
  // instead of staying behind a delete marker until segments merge.
  db.exec("INSERT INTO memory_fts(memory_fts, rank) VALUES ('secure-delete', 1)");
  db.exec(`INSERT INTO memory_fts(memory_fts, rank) VALUES ('rank', '${TEXT_RANK}')`);
}

/**
 * Opens (creating) a partition file with the store's settings. Any
 * connection to it (the service's, an import worker's) goes through here, so
 * every writer deletes securely and commits with the same durability.
 */
export function openPartitionFile(file: string, durability: Durability, lang: string): { db: DatabaseSync; analyzer: Analyzer } {
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
    let version: number;
    try {
      const row = db.prepare('PRAGMA user_version').get();
      version = row === undefined ? 0 : num(row, 'user_version');
      if (version === 0) {
        db.exec(DDL);
        createText(db);
        db.prepare("INSERT INTO meta (key, value) VALUES ('lang', ?)").run(lang);
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    if (version !== 0 && version !== SCHEMA_VERSION) {
      throw new OctantError('E_MEMORY_SCHEMA', `${file}: memory schema version ${version}, this build reads version ${SCHEMA_VERSION}`, {
        hint: version > SCHEMA_VERSION ? 'a newer build wrote this file' : 'a development build wrote this file: move it away',
      });
    }
    // T2's language is the file's: terms written with one analyzer are searched with the same.
    const stored = db.prepare("SELECT value FROM meta WHERE key = 'lang'").get();
    return { db, analyzer: createAnalyzer(stored === undefined ? lang : str(stored, 'value')) };
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

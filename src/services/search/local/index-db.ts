// Opening a corpus's SQLite file, on the main thread (queries) and in the
// indexing worker (writes) alike. WAL lets the worker write while queries
// read; a writer waits for another rather than failing at once.
// node:sqlite comes from process.getBuiltinModule when a database is opened,
// never at import time (the executable's startup snapshot must not hold it,
// and the worker's bundle loads only what it names).

import type { DatabaseSync } from 'node:sqlite';
import { FtsIndex } from '../../../lib/fts/fts-index.ts';
import { CORPUS_FIELDS } from './corpus-types.ts';

/** The FTS table prefix inside every corpus file (one index per file). */
export const INDEX_TABLES = 'corpus';

export function openDatabase(path: string): DatabaseSync {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;');
  return db;
}

/** The corpus index in `db`, created with the corpus fields and `lang` when new. */
export function openCorpusIndex(db: DatabaseSync, lang: string): FtsIndex {
  return FtsIndex.open(db, INDEX_TABLES, { fields: CORPUS_FIELDS, lang });
}

// The indexing worker's entry (lib/worker-pool.ts runs it; scripts/build.ts
// embeds it as 'search-index'): reads the units of a corpus batch, analyzes
// them and writes them to the corpus's SQLite file, so that the event loop
// serving agents never does the heavy part. It runs at the lowest priority
// (niceness 19): indexing is background work, and on a busy machine the
// threads serving agents must win (docs/benchmarks.md "Heavy work off the
// loop": at equal priority an extra runnable thread slows the router).
//
// What it loads: node:sqlite, node:fs, node:zlib and node:os (for the
// priority), all through process.getBuiltinModule; none of them is one that
// aborts a worker of the executable (lib/worker-pool.ts), as the test through
// dist/octant shows (test/integration/search-index-executable.test.ts).

import type { DatabaseSync } from 'node:sqlite';
import type { FtsIndex } from '../../../lib/fts/fts-index.ts';
import { serveTasks } from '../../../lib/worker-tasks.ts';
import type { BatchResult, IndexBatch } from './corpus-types.ts';
import { openCorpusIndex, openDatabase } from './index-db.ts';
import { indexUnits } from './index-units.ts';

const open = new Map<string, { db: DatabaseSync; index: FtsIndex }>();

function indexFor(path: string, lang: string): FtsIndex {
  let entry = open.get(path);
  if (entry === undefined) {
    const db = openDatabase(path);
    entry = { db, index: openCorpusIndex(db, lang) };
    open.set(path, entry);
  }
  return entry.index;
}

serveTasks({
  'index-batch': (batch: IndexBatch): BatchResult => indexUnits(indexFor(batch.db, batch.lang), batch),
  'end-pass': ({ db, lang, gen }: { db: string; lang: string; gen: number }): number => indexFor(db, lang).endPass(gen),
  'remove-docs': ({ db, lang, ids }: { db: string; lang: string; ids: string[] }): number => {
    const index = indexFor(db, lang);
    let removed = 0;
    index.transaction(() => { for (const id of ids) if (index.remove(id)) removed++; });
    return removed;
  },
  close: ({ db }: { db: string }): boolean => {
    const entry = open.get(db);
    open.delete(db);
    entry?.db.close();
    return entry !== undefined;
  },
}, { niceness: 19 });

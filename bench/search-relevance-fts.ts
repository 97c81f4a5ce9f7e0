// The bench's own FTS5 table over a collection: the plain-BM25 baseline
// (FTS5's porter tokenizer, stopwords removed from the query, OR of the
// terms, bm25() with equal column weights), and a RankSource over the same
// table for the ranking (terms and positions read back through fts5vocab).

import { DatabaseSync } from 'node:sqlite';
import type { CollectionDoc } from '../src/services/search/eval/cranfield.ts';
import type { RankSource } from '../src/services/search/rank/source.ts';
import type { TermDoc } from '../src/services/search/rank/types.ts';

// Lucene's English stopword set plus the question words of natural-language queries.
const STOP = new Set(('a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with ' +
  'what which who whom whose why how when where can could do does did has have had been being were would should may might must shall ' +
  'any all some about from its i we you he she them than so very also between over under after before during only other same each both').split(' '));

export interface BenchIndex {
  baseline(query: string, limit: number): string[];
  analyze(query: string): string[];
  source: RankSource;
  close(): void;
}

const quote = (t: string): string => `"${t.replaceAll('"', '""')}"`;

export function buildBenchIndex(docs: readonly CollectionDoc[]): BenchIndex {
  const db = new DatabaseSync(':memory:');
  db.exec("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61')");
  db.exec('CREATE VIRTUAL TABLE dv USING fts5vocab(d, row)');
  db.exec('CREATE VIRTUAL TABLE di USING fts5vocab(d, instance)');
  db.exec("CREATE VIRTUAL TABLE q USING fts5(text, tokenize='porter unicode61')");
  db.exec('CREATE VIRTUAL TABLE qi USING fts5vocab(q, instance)');
  const insert = db.prepare('INSERT INTO d (rowid, id, title, body) VALUES (?, ?, ?, ?)');
  db.exec('BEGIN');
  docs.forEach((doc, i) => insert.run(i + 1, doc.id, doc.title, doc.body));
  db.exec('COMMIT');

  const ids = docs.map((d) => d.id);
  const termDocs = new Map<string, { title: string[]; body: string[] }>();
  for (const id of ids) termDocs.set(id, { title: [], body: [] });
  for (const row of db.prepare('SELECT term, doc, col, "offset" AS o FROM di').iterate()) {
    const fields = termDocs.get(ids[Number(row.doc) - 1]);
    if (fields !== undefined) (row.col === 'title' ? fields.title : fields.body)[Number(row.o)] = String(row.term);
  }
  let title = 0;
  let body = 0;
  for (const f of termDocs.values()) { title += f.title.length; body += f.body.length; }
  const df = db.prepare('SELECT doc FROM dv WHERE term = ?');
  const words = (text: string): string[] => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '' && !STOP.has(w));
  const match = db.prepare('SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?');
  const run = (terms: readonly string[], limit: number): string[] => terms.length === 0 ? [] : match.all([...new Set(terms)].map(quote).join(' OR '), limit).map((r) => String(r.id));

  return {
    baseline: (query, limit) => run(words(query), limit),
    analyze(query) {
      db.exec('DELETE FROM q');
      db.prepare('INSERT INTO q (rowid, text) VALUES (1, ?)').run(words(query).join(' '));
      return db.prepare('SELECT term FROM qi ORDER BY "offset"').all().map((r) => String(r.term));
    },
    source: {
      stats: {
        docCount: docs.length,
        avgFieldLength: { title: title / docs.length, body: body / docs.length },
        docFreq: (term) => Number(df.get(term)?.doc ?? 0),
      },
      candidates: run,
      docs(wanted) {
        const out = new Map<string, TermDoc>();
        for (const id of wanted) {
          const f = termDocs.get(id);
          if (f !== undefined) out.set(id, { id, fields: { title: f.title, body: f.body } });
        }
        return out;
      },
    },
    close: () => db.close(),
  };
}

// The plain-BM25 baseline of bench/search-relevance.ts, as the issue
// measured it: an FTS5 table with FTS5's own porter tokenizer, stopwords
// removed from the query, the OR of its words, bm25() with equal column
// weights. Nothing of the search service is used, so the baseline does not
// move when the service's analyzer or index does.

import { DatabaseSync } from 'node:sqlite';
import type { CollectionDoc } from '../src/services/search/eval/cranfield.ts';

// Lucene's English stopword set plus the question words of natural-language queries.
const STOP = new Set(('a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with ' +
  'what which who whom whose why how when where can could do does did has have had been being were would should may might must shall ' +
  'any all some about from its i we you he she them than so very also between over under after before during only other same each both').split(' '));

export interface BaselineIndex {
  rank(query: string, limit: number): string[];
  close(): void;
}

export function buildBaseline(docs: readonly CollectionDoc[]): BaselineIndex {
  const db = new DatabaseSync(':memory:');
  db.exec("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61')");
  const insert = db.prepare('INSERT INTO d (id, title, body) VALUES (?, ?, ?)');
  db.exec('BEGIN');
  for (const doc of docs) insert.run(doc.id, doc.title, doc.body);
  db.exec('COMMIT');
  const match = db.prepare('SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?');
  return {
    rank(query, limit) {
      const words = [...new Set(query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '' && !STOP.has(w)))];
      return words.length === 0 ? [] : match.all(words.map((w) => `"${w}"`).join(' OR '), limit).map((r) => String(r.id));
    },
    close: () => db.close(),
  };
}

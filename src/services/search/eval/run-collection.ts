// Runs a test collection through the local engine's own code: the
// documents go into a full-text index (lib/fts, the analyzer and fields
// every local corpus has), each query is ranked by the engine's ranking
// (rank/ranked-search.ts), and the result is a run to evaluate or write.
// Also the plain baseline over the same index: FTS5 bm25() for the OR of the
// query's terms, the same field weights, nothing else.

import { DatabaseSync } from 'node:sqlite';
import { FtsIndex } from '../../../lib/fts/fts-index.ts';
import { retrieve } from '../../../lib/fts/fts-search.ts';
import { DEFAULT_RANK_PARAMS } from '../rank/defaults.ts';
import { rankTerms } from '../rank/ranked-search.ts';
import type { RankParams } from '../rank/ranker.ts';
import type { CollectionDoc, CollectionQuery } from './cranfield.ts';
import type { Run } from './judgments.ts';

/** The fields of every local corpus and their bm25() weights (services/search/local). */
const FIELDS = [{ name: 'title', weight: 4 }, { name: 'body', weight: 1 }];

export interface CollectionIndex {
  index: FtsIndex;
  close(): void;
}

/** An in-memory index of the documents (an evaluation never touches the operator's indexes). */
export function indexCollection(docs: readonly CollectionDoc[], lang = 'en'): CollectionIndex {
  const db = new DatabaseSync(':memory:');
  const index = FtsIndex.open(db, 'eval', { fields: FIELDS, lang });
  index.upsertMany(docs.map((d) => ({ id: d.id, fields: { title: d.title, body: d.body } })));
  return { index, close: () => db.close() };
}

export type Ranking = 'default' | 'bm25';

/** Each query's ranked document ids (at most `limit`; the ranking's depth bounds the default one). */
export function runQueries(index: FtsIndex, queries: readonly CollectionQuery[], ranking: Ranking, limit = 1000, params: RankParams = DEFAULT_RANK_PARAMS): Run {
  const run = new Map<string, string[]>();
  for (const q of queries) {
    // Queries are natural language here, not query syntax: their words are ranked as they are.
    const terms = index.analyzer.terms(q.text);
    const ids = ranking === 'bm25'
      ? retrieve(index, terms.map((term) => ({ term })), limit).map((s) => s.id)
      : rankTerms(index, terms, [], params).ranked.slice(0, limit).map((s) => s.id);
    run.set(q.id, ids);
  }
  return run;
}

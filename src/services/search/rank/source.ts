// What the ranking asks of an index. The local engine's FTS5 index
// implements it; the bench's baseline table does too. Calls are synchronous
// (node:sqlite is), and every call is bounded by its `limit` or id list, so
// the work per query is bounded by the ranking's candidate depth.

import type { CollectionStats, TermDoc } from './types.ts';

export interface RankSource {
  stats: CollectionStats;
  /**
   * Up to `limit` ids of documents holding any of the (analyzed) terms, best
   * first by the index's own cheap ranking (FTS5 bm25()).
   */
  candidates(terms: readonly string[], limit: number): string[];
  /** The analyzed fields of these documents; unknown ids are left out. */
  docs(ids: readonly string[]): Map<string, TermDoc>;
}

// T2: full-text search over every memory of a partition (FTS5, external
// content on the memory table, kept in step by triggers: schema.ts). Ranked
// by BM25 weighted by recency: score = bm25 x (1 + RECENCY_WEIGHT x 2^(-age
// / half-life)), where age runs from the memory's last statement (written or
// confirmed). A fact whose validity has ended, or that is no longer
// believed, counts half: it answers "what was true before", rarely "now".

import type { StatementSync } from 'node:sqlite';
import type { Memory, TierHit, TimePoint } from '../types.ts';
import type { DurablePartition } from './durable-tier.ts';
import { num, str } from './rows.ts';
import type { TextAnalyzer } from './text-analyzer.ts';

export const RECENCY_WEIGHT = 0.5;
export const RECENCY_HALF_LIFE_MS = 30 * 24 * 3600 * 1000;
const PAST_FACT_WEIGHT = 0.5;
/** BM25 candidates read per hit wanted: recency and filters reorder within them. */
const CANDIDATES_PER_HIT = 4;

export interface TextQuery {
  k: number;
  kinds?: readonly Memory['kind'][];
  asOf?: TimePoint;
}

export class TextTier {
  readonly #analyzer: TextAnalyzer;
  readonly #believedNow: StatementSync;
  readonly #asOf: StatementSync;

  constructor(partition: DurablePartition, analyzer: TextAnalyzer) {
    this.#analyzer = analyzer;
    // bm25() is lower-is-better and negative; -bm25 is the relevance.
    const select = `SELECT m.id, m.kind, -bm25(memory_fts, 1.0, 0.5, 0.25) AS relevance,
      max(m.created_at, coalesce(m.confirmed_at, 0)) AS stated,
      EXISTS (SELECT 1 FROM version v WHERE v.n = m.n AND v.superseded_at IS NULL
        AND (v.valid_to IS NULL OR v.valid_to > :now)) AS live
      FROM memory_fts JOIN memory m ON m.n = memory_fts.rowid WHERE memory_fts MATCH :match`;
    this.#believedNow = partition.db.prepare(`${select}
      AND EXISTS (SELECT 1 FROM version v WHERE v.n = m.n AND v.superseded_at IS NULL)
      ORDER BY bm25(memory_fts, 1.0, 0.5, 0.25) LIMIT :limit`);
    this.#asOf = partition.db.prepare(`${select}
      AND EXISTS (SELECT 1 FROM version v WHERE v.n = m.n AND v.recorded_at <= :knownAt
        AND (v.superseded_at IS NULL OR v.superseded_at > :knownAt)
        AND v.valid_from <= :validAt AND (v.valid_to IS NULL OR v.valid_to > :validAt))
      ORDER BY bm25(memory_fts, 1.0, 0.5, 0.25) LIMIT :limit`);
  }

  search(query: string, options: TextQuery, now: number): TierHit[] {
    const match = this.#analyzer.match(query);
    if (match === undefined) return [];
    const limit = options.k * CANDIDATES_PER_HIT * (options.kinds === undefined ? 1 : 2);
    const rows = options.asOf === undefined
      ? this.#believedNow.all({ match, now, limit })
      : this.#asOf.all({ match, now, limit, validAt: options.asOf.validAt ?? now, knownAt: options.asOf.knownAt ?? now });
    const hits: TierHit[] = [];
    for (const row of rows) {
      const kind = str(row, 'kind');
      if (options.kinds !== undefined && !options.kinds.some((k) => k === kind)) continue;
      const age = Math.max(0, now - num(row, 'stated'));
      const recency = 2 ** (-age / RECENCY_HALF_LIFE_MS);
      const live = num(row, 'live') === 1 || options.asOf !== undefined;
      const score = num(row, 'relevance') * (1 + RECENCY_WEIGHT * recency) * (live ? 1 : PAST_FACT_WEIGHT);
      hits.push({ id: str(row, 'id'), score });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, options.k);
  }
}

// T2: full-text search over every memory of a partition (FTS5, external
// content on the memory table, kept in step by triggers: schema.ts). Ranked
// by BM25 weighted by recency: score = bm25 x (1 + RECENCY_WEIGHT x 2^(-age
// / half-life)), where age runs from the memory's last statement (written or
// confirmed). A fact whose validity has ended, or that is no longer
// believed, counts half: it answers "what was true before", rarely "now".
//
// A query is the OR of its terms (BM25 ranks documents matching more and
// rarer terms first). FTS5 scores every document a term matches, so a term
// in most memories would cost a scan of the partition for little ranking
// value: terms are taken rarest first (document counts from the fts5vocab
// table) while their postings stay within POSTINGS_BUDGET, always at least
// the rarest one. This bounds a search's cost whatever the partition's size.

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
/** Documents scored per search at most (the sum of the kept terms' document counts); the store's `postingsBudget`. */
export const POSTINGS_BUDGET = 20_000;

export interface TextQuery {
  k: number;
  kinds?: readonly Memory['kind'][];
  asOf?: TimePoint;
}

export class TextTier {
  readonly #analyzer: TextAnalyzer;
  readonly #believedNow: StatementSync;
  readonly #asOf: StatementSync;
  readonly #docs: StatementSync;

  readonly #budget: number;

  constructor(partition: DurablePartition, analyzer: TextAnalyzer, postingsBudget = POSTINGS_BUDGET) {
    this.#analyzer = analyzer;
    this.#budget = postingsBudget;
    // The best BM25 candidates come from the FTS table alone (FTS5 sorts by
    // its `rank` with a LIMIT cheaply); only they are joined and filtered.
    // bm25() is lower-is-better and negative; -rank is the relevance.
    const select = (filter: string): string => `SELECT m.id, m.kind, -c.rank AS relevance,
      max(m.created_at, coalesce(m.confirmed_at, 0)) AS stated,
      EXISTS (SELECT 1 FROM version v WHERE v.n = m.n AND v.superseded_at IS NULL
        AND (v.valid_to IS NULL OR v.valid_to > :now)) AS live
      FROM (SELECT rowid, rank FROM memory_fts WHERE memory_fts MATCH :match ORDER BY rank LIMIT :limit) c
      JOIN memory m ON m.n = c.rowid WHERE EXISTS (SELECT 1 FROM version v WHERE v.n = m.n AND ${filter})
      ORDER BY c.rank`;
    this.#docs = partition.db.prepare('SELECT doc FROM memory_fts_terms WHERE term = ?');
    this.#believedNow = partition.db.prepare(select('v.superseded_at IS NULL'));
    this.#asOf = partition.db.prepare(select(`v.recorded_at <= :knownAt
        AND (v.superseded_at IS NULL OR v.superseded_at > :knownAt)
        AND v.valid_from <= :validAt AND (v.valid_to IS NULL OR v.valid_to > :validAt)`));
  }

  /** The OR of the rarest terms within the postings budget (a term not in the vocabulary as written, e.g. stemmed away, counts as rare). */
  #match(terms: readonly string[]): string | undefined {
    const counted = terms.map((term) => ({ term, docs: Number(this.#docs.get(term)?.doc ?? 0) })).sort((a, b) => a.docs - b.docs);
    const kept: string[] = [];
    let postings = 0;
    for (const { term, docs } of counted) {
      if (kept.length > 0 && postings + docs > this.#budget) break;
      kept.push(`"${term.replaceAll('"', '""')}"`);
      postings += docs;
    }
    return kept.length === 0 ? undefined : kept.join(' OR ');
  }

  search(query: string, options: TextQuery, now: number): TierHit[] {
    const match = this.#match(this.#analyzer.terms(query));
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

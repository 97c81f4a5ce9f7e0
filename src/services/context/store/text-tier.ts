// T2: full-text search over every memory of a partition: FTS5 over the
// terms the shared analyzer (lib/text/analyzer.ts: Unicode words, folding,
// stopwords, stemming) made of each memory's text, key and tags, kept in
// step with T1 by triggers in the same transactions (schema.ts). Ranked by
// BM25 weighted by recency:
//
//   score = bm25 x (1 + RECENCY_WEIGHT x 2^(-age / half-life))
//
// where age runs from the memory's last statement (written or confirmed). A
// fact whose validity has ended counts half: it answers "what was true
// before", rarely "now".
//
// A query is the OR of its analyzed terms (BM25 ranks documents matching
// more and rarer terms first). FTS5 scores every document a term matches
// (about 3 µs each: BM25 reads each one's column sizes), so a term in many
// memories would cost a scan of much of the partition for little ranking
// value: terms are taken rarest first (document counts from the fts5vocab
// table) while their postings stay within the budget, always at least the
// rarest one. This bounds a search's cost whatever the size. Counting a
// term's documents reads its whole posting list too (about 0.1 µs a
// document), so the counts of common terms (CACHED_FROM documents or more)
// are kept for a while (DOC_COUNT_TTL_MS): such a count a little stale only
// shifts which terms fit. A rarer term is counted afresh each time (cheap),
// so a word a memory just brought in is found at once.

import type { StatementSync } from 'node:sqlite';
import type { Analyzer } from '../../../lib/text/analyzer.ts';
import type { Memory, TierHit, TimePoint } from '../types.ts';
import type { DurablePartition } from './durable-tier.ts';
import { num, str } from './rows.ts';

export const RECENCY_WEIGHT = 0.5;
export const RECENCY_HALF_LIFE_MS = 30 * 24 * 3600 * 1000;
const PAST_FACT_WEIGHT = 0.5;
/** BM25 candidates read per hit wanted: recency and filters reorder within them. */
const CANDIDATES_PER_HIT = 4;
/** Documents scored per search at most (the sum of the kept terms' document counts); the store's `postingsBudget`. */
export const POSTINGS_BUDGET = 2_000;
/** How long a term's document count is reused, and how many terms' counts are kept. */
const DOC_COUNT_TTL_MS = 30_000;
const DOC_COUNTS_KEPT = 4096;
const CACHED_FROM = 256;

export interface TextQuery {
  k: number;
  kinds?: readonly Memory['kind'][];
  asOf?: TimePoint;
}

export class TextTier {
  readonly #analyzer: Analyzer;
  readonly #budget: number;
  readonly #docs: StatementSync;
  readonly #believedNow: StatementSync;
  readonly #asOf: StatementSync;
  /** term -> its document count and when it was read (insertion order: oldest first). */
  readonly #docCounts = new Map<string, { docs: number; at: number }>();

  constructor(partition: DurablePartition, analyzer: Analyzer, postingsBudget = POSTINGS_BUDGET) {
    this.#analyzer = analyzer;
    this.#budget = postingsBudget;
    this.#docs = partition.db.prepare('SELECT doc FROM memory_fts_terms WHERE term = ?');
    // The best BM25 candidates come from the FTS table alone (FTS5 sorts by
    // its `rank`, schema.ts TEXT_RANK, with a LIMIT cheaply); only they are
    // joined and filtered. FTS5's rank is lower-is-better: -rank is the relevance.
    const select = (filter: string): string => `SELECT m.id, m.kind, -c.rank AS relevance,
      max(m.created_at, coalesce(m.confirmed_at, 0)) AS stated,
      EXISTS (SELECT 1 FROM version v WHERE v.n = m.n AND v.superseded_at IS NULL
        AND (v.valid_to IS NULL OR v.valid_to > :now)) AS live
      FROM (SELECT rowid, rank FROM memory_fts WHERE memory_fts MATCH :match ORDER BY rank LIMIT :limit) c
      JOIN memory m ON m.n = c.rowid WHERE EXISTS (SELECT 1 FROM version v WHERE v.n = m.n AND ${filter})
      ORDER BY c.rank`;
    this.#believedNow = partition.db.prepare(select('v.superseded_at IS NULL'));
    this.#asOf = partition.db.prepare(select(`v.recorded_at <= :knownAt
        AND (v.superseded_at IS NULL OR v.superseded_at > :knownAt)
        AND v.valid_from <= :validAt AND (v.valid_to IS NULL OR v.valid_to > :validAt)`));
  }

  /** The documents holding `term`, read at most every DOC_COUNT_TTL_MS. */
  #docCount(term: string, now: number): number {
    const known = this.#docCounts.get(term);
    if (known !== undefined && now - known.at >= 0 && now - known.at < DOC_COUNT_TTL_MS) return known.docs;
    const docs = Number(this.#docs.get(term)?.doc ?? 0);
    this.#docCounts.delete(term);
    if (docs < CACHED_FROM) return docs;
    if (this.#docCounts.size >= DOC_COUNTS_KEPT) this.#docCounts.delete(this.#docCounts.keys().next().value!);
    this.#docCounts.set(term, { docs, at: now });
    return docs;
  }

  /** The OR of the query's rarest terms within the postings budget (terms are letters and digits: quoting is all FTS5 needs). */
  #match(query: string): string | undefined {
    const now = performance.now();
    const counted = [...new Set(this.#analyzer.terms(query))].map((term) => ({ term, docs: this.#docCount(term, now) }))
      .filter((t) => t.docs > 0).sort((a, b) => a.docs - b.docs);
    const kept: string[] = [];
    let postings = 0;
    for (const { term, docs } of counted) {
      if (kept.length > 0 && postings + docs > this.#budget) break;
      kept.push(`"${term}"`);
      postings += docs;
    }
    return kept.length === 0 ? undefined : kept.join(' OR ');
  }

  search(query: string, options: TextQuery, now: number): TierHit[] {
    const match = this.#match(query);
    if (match === undefined) return [];
    const limit = options.k * CANDIDATES_PER_HIT * (options.kinds === undefined && options.asOf === undefined ? 1 : 2);
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
      hits.push({ id: str(row, 'id'), score: num(row, 'relevance') * (1 + RECENCY_WEIGHT * recency) * (live ? 1 : PAST_FACT_WEIGHT) });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, options.k);
  }
}

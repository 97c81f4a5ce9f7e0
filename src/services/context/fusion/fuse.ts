// Hybrid recall: one ranked list out of the tiers' lists (docs/memory.md
// "Hybrid recall"). Reciprocal rank fusion (Cormack, Clarke, Büttcher,
// SIGIR 2009): each tier contributes weight / (k + rank) for every memory it
// returned, so only ranks matter — BM25 scores, cosine similarities and graph
// hop counts are not comparable and are never mixed. A memory found by one
// tier only still gets that tier's share and appears in the result.
//
// Two terms that are not about the query are added on the same scale:
// recency (exponential decay of age, with a half-life) and importance (the
// memory's own 0..1). Both are expressed as fractions of what a first rank
// in one tier is worth, 1 / (k + 1), so that "recencyWeight: 0.5" reads as
// "being brand new is worth half of being some tier's best answer". They
// only reorder memories some tier found: fusion never adds a memory no tier
// returned (a recent memory unrelated to the query stays out).
//
// Pure: no clock, no I/O; `now` and each memory's time come from the caller.

import type { Fuse, TierHit } from '../types.ts';

export interface FusionOptions {
  /** The RRF constant; 60 in the paper and in most systems since. */
  k?: number;
  /** Weight per tier name (default FUSION_DEFAULTS.weights, else 1). */
  weights?: Readonly<Record<string, number>>;
  /** Worth of being brand new, in first-ranks (default 0.5); 0 turns recency off. */
  recencyWeight?: number;
  /** Age at which the recency term halves (default 30 days). */
  halfLifeMs?: number;
  /** Worth of importance 1.0, in first-ranks (default 0.5); 0 turns it off. */
  importanceWeight?: number;
}

/** What fusion needs to know of a memory besides its ranks. */
export interface FusionMeta {
  /** The time recency is measured from (the caller picks valid time or record time), ms. */
  time: number;
  /** 0..1. */
  importance: number;
}

export interface FusedHit {
  id: string;
  score: number;
  /** 1-based rank of the memory in each tier that returned it. */
  ranks: Record<string, number>;
}

/**
 * T4 weighs three times as much as T2 and T3: it answers only when the
 * query names entities it knows, and then its list is grounded in stated
 * relations (multi-hop and current-value questions). Chosen on the
 * conversational set's tuning seed (29) and reported on another (19):
 * bench/memory-recall.ts, docs/benchmarks.md "Memory".
 */
export const FUSION_DEFAULTS = { k: 60, recencyWeight: 0.5, halfLifeMs: 30 * 24 * 3600_000, importanceWeight: 0.5, weights: { t2: 1, t3: 1, t4: 3 } as Readonly<Record<string, number>> } as const;

/** exp2(-age / halfLife), 1 for a memory from now (or the future), halving each half-life. */
export function recencyDecay(ageMs: number, halfLifeMs: number): number {
  if (!(halfLifeMs > 0)) throw new RangeError(`fusion: halfLifeMs must be > 0 (got ${halfLifeMs})`);
  return ageMs <= 0 ? 1 : Math.pow(2, -ageMs / halfLifeMs);
}

/**
 * Fuse the tiers' ranked lists (each best first). `meta` gives a memory's
 * time and importance; a memory it does not know (forgotten between the
 * tiers' answers and fusion) is left out rather than ranked on half the facts.
 */
export function fuse(
  lists: Readonly<Record<string, readonly TierHit[]>>,
  meta: (id: string) => FusionMeta | undefined,
  now: number,
  options: FusionOptions = {},
): FusedHit[] {
  const k = options.k ?? FUSION_DEFAULTS.k;
  if (!(k >= 0)) throw new RangeError(`fusion: k must be >= 0 (got ${k})`);
  const unit = 1 / (k + 1);
  const recencyWeight = (options.recencyWeight ?? FUSION_DEFAULTS.recencyWeight) * unit;
  const importanceWeight = (options.importanceWeight ?? FUSION_DEFAULTS.importanceWeight) * unit;
  const halfLifeMs = options.halfLifeMs ?? FUSION_DEFAULTS.halfLifeMs;

  const fused = new Map<string, FusedHit>();
  for (const [tier, hits] of Object.entries(lists)) {
    const weight = options.weights?.[tier] ?? FUSION_DEFAULTS.weights[tier] ?? 1;
    let rank = 0;
    for (const hit of hits) {
      let entry = fused.get(hit.id);
      if (entry === undefined) {
        entry = { id: hit.id, score: 0, ranks: {} };
        fused.set(hit.id, entry);
      }
      // A tier that lists one id twice counts it once, at its best rank.
      if (tier in entry.ranks) continue;
      rank++;
      entry.ranks[tier] = rank;
      entry.score += weight / (k + rank);
    }
  }
  const out: FusedHit[] = [];
  for (const entry of fused.values()) {
    const m = meta(entry.id);
    if (m === undefined) continue;
    entry.score += recencyWeight * recencyDecay(now - m.time, halfLifeMs) + importanceWeight * Math.min(1, Math.max(0, m.importance));
    out.push(entry);
  }
  // Ties broken by id so the order is deterministic.
  return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * fuse() in the store's shape (types.ts Fuse): the lists by tier name, and a
 * memory's time for recency is when it became valid, or when it was last
 * stated again if that is later (a repeated fact is fresh knowledge).
 */
export function hybridFuse(options: FusionOptions = {}): Fuse {
  return (lists, memories, now) => {
    const byTier: Record<string, TierHit[]> = {};
    for (const list of lists) (byTier[list.tier] ??= []).push(...list.hits);
    return fuse(byTier, (id) => {
      const m = memories.get(id);
      return m === undefined ? undefined : { time: Math.max(m.validFrom, m.confirmedAt ?? 0), importance: m.importance };
    }, now, options).map((h) => ({ id: h.id, score: h.score }));
  };
}

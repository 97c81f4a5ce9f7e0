// T4's reads for recall, each bounded whatever the partition's size
// (docs/memory.md "Hybrid recall", like T2's postings budget):
//
// - walk(): from the entities a query names, hop by hop, reading each
//   entity's edges newest first (an index on (partition, subject|object,
//   valid_from) makes that a range read of `fanout` rows, not a sort of all
//   of them), at most `edgeBudget` edges in all and `reachLimit` entities;
//   an entity with more than `fanout` edges each way is walked through its
//   newest ones only (a hub such as "user" cannot pull in the partition).
// - mentions(): the memories that name the reached entities, nearest first:
//   each entity's mentions counted in the index up to `hubLimit` + 1 (more:
//   a hub, not ranked by), then read; `mentionBudget` entries counted or
//   read in all.
//   An entity named by more than `hubShare` of the partition's memories
//   (and by more than `hubFloor`) is a hub too, whatever the partition's
//   size: in a conversation between two people each speaker is named in
//   half the turns, and a question naming one would otherwise rank any of
//   their turns (a stopword, in BM25's terms). The size is the memories that
//   name any entity, counted in the index up to `hubLimit` / `hubShare`
//   (past that, hubLimit is the stricter bound).
//
// Each read is one indexed statement with a LIMIT: the rows it returns, or
// for a count the entries it steps (at most its LIMIT), are the work done;
// graph-budget.test.ts counts the rows through a counting driver.

import type { Partition } from '../types.ts';
import type { SqlDriver } from './sql-driver.ts';

export interface GraphBudget {
  /** Hops from the query's entities (default 2). */
  depth: number;
  /** Entities reached at most, nearest first (default 200). */
  reachLimit: number;
  /** Edges read per entity and direction, newest first (default 100). */
  fanout: number;
  /** Edges read per search at most (default 2000). */
  edgeBudget: number;
  /** An entity more memories mention than this is a hub search() does not rank by (default 1000). */
  hubLimit: number;
  /** Mention entries counted or read per search at most (default 3000). */
  mentionBudget: number;
  /** An entity more than this share of the partition's memories mention is a hub (default 0.05)... */
  hubShare: number;
  /** ...if more than this many mention it (default 10, a search's usual k: small partitions keep their entities). */
  hubFloor: number;
}

export const GRAPH_BUDGET: Readonly<GraphBudget> = { depth: 2, reachLimit: 200, fanout: 100, edgeBudget: 2000, hubLimit: 1000, mentionBudget: 3000, hubShare: 0.05, hubFloor: 10 };

export interface EdgeRow {
  subject: string;
  relation: string;
  object: string;
  memoryId: string;
  validFrom: number;
}

export interface Walk {
  /** Entity -> hops from the nearest start (0 for a start). */
  depthOf: Map<string, number>;
  /** Every edge read (each once), from entities nearer than `depth`. */
  edges: EdgeRow[];
}

const EDGES_FROM = {
  subject: 'SELECT subject, relation, object, memory_id, valid_from FROM t4_edges WHERE partition = ? AND subject = ? ORDER BY valid_from DESC LIMIT ?',
  object: 'SELECT subject, relation, object, memory_id, valid_from FROM t4_edges WHERE partition = ? AND object = ? ORDER BY valid_from DESC LIMIT ?',
} as const;

/** Breadth first from `starts` (known entities, normalized), nearest first, within the budget. */
export async function walk(driver: SqlDriver, partition: Partition, starts: readonly string[], depth: number, budget: Readonly<GraphBudget>): Promise<Walk> {
  const depthOf = new Map<string, number>();
  for (const s of [...new Set(starts)].sort()) if (depthOf.size < budget.reachLimit) depthOf.set(s, 0);
  const edges: EdgeRow[] = [];
  const seen = new Set<string>();
  let left = budget.edgeBudget;
  let frontier = [...depthOf.keys()];
  for (let d = 0; d <= depth && frontier.length > 0 && left > 0; d++) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const side of ['subject', 'object'] as const) {
        if (left <= 0) break;
        const rows = await driver.all(EDGES_FROM[side], [partition, node, Math.min(budget.fanout, left)]);
        left -= rows.length;
        for (const r of rows) {
          const edge: EdgeRow = { subject: String(r.subject), relation: String(r.relation), object: String(r.object), memoryId: String(r.memory_id), validFrom: Number(r.valid_from) };
          const key = `${edge.subject}\u0000${edge.relation}\u0000${edge.object}\u0000${edge.memoryId}`;
          if (!seen.has(key)) {
            seen.add(key);
            edges.push(edge);
          }
          const other = side === 'subject' ? edge.object : edge.subject;
          if (d < depth && !depthOf.has(other) && depthOf.size < budget.reachLimit) {
            depthOf.set(other, d + 1);
            next.push(other);
          }
        }
      }
    }
    frontier = next.sort();
  }
  return { depthOf, edges };
}

/** How many memories of the partition name any entity, counted in the index up to the most hubShare needs (see above). */
export async function mentionedMemories(driver: SqlDriver, partition: Partition, budget: Readonly<GraphBudget>): Promise<number> {
  const cap = Math.ceil(budget.hubLimit / budget.hubShare);
  const rows = await driver.all('SELECT count(*) AS n FROM (SELECT DISTINCT memory_id FROM t4_mentions WHERE partition = ? LIMIT ?) x', [partition, cap]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The most mentions an entity of a partition of `size` memories (as
 * mentionedMemories counts it) may have and not be a hub by its share;
 * Infinity when the count reached its cap (the partition is large: hubLimit
 * bounds the work there).
 */
export function shareLimit(budget: Readonly<GraphBudget>, size: number): number {
  if (size >= Math.ceil(budget.hubLimit / budget.hubShare)) return Infinity;
  return Math.max(budget.hubFloor, Math.floor(budget.hubShare * size));
}

/**
 * memory id -> the entities of `depthOf` it mentions with their mention
 * counts, nearest entities first; hubs (more than hubLimit mentions) and what
 * the budget does not reach are left out.
 */
export async function mentions(driver: SqlDriver, partition: Partition, depthOf: ReadonlyMap<string, number>, budget: Readonly<GraphBudget>, byShare = Infinity): Promise<{ entity: string; memoryIds: string[] }[]> {
  const order = [...depthOf].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: { entity: string; memoryIds: string[] }[] = [];
  let left = budget.mentionBudget;
  for (const [entity] of order) {
    const want = Math.min(budget.hubLimit + 1, left);
    if (want <= 0) break;
    // Counted first (in the index, one row back), so a hub's mentions are never carried into JS.
    const counted = await driver.all('SELECT count(*) AS n FROM (SELECT 1 FROM t4_mentions WHERE partition = ? AND entity = ? LIMIT ?) x', [partition, entity, want]);
    const n = Number(counted[0]?.n ?? 0);
    left -= n;
    // A hub, or cut short by the budget (its count unknown): not ranked by.
    if (n === 0 || n > budget.hubLimit || (n === want && want <= budget.hubLimit)) continue;
    if (n > byShare) continue;
    const rows = await driver.all('SELECT memory_id FROM t4_mentions WHERE partition = ? AND entity = ? LIMIT ?', [partition, entity, n]);
    left -= rows.length;
    out.push({ entity, memoryIds: rows.map((r) => String(r.memory_id)) });
  }
  return out;
}

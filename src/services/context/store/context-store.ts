// The context service's store: one API over the tiers (docs/memory.md).
// T0 (hot-tier.ts) and T1/T2 (one SQLite file per partition: schema.ts,
// durable-tier.ts, text-tier.ts) are here; T3 and T4 are RecallTiers handed
// in by the owner. Reads are answered from T0, else T1; a tier's search hit
// is shown only if T1 still has the memory, so no tier can resurrect a
// forgotten one. Writes go to T1 first (one transaction, durable before the
// put returns), then T0, then the recall tiers.

import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { OctantError } from '../../../lib/errors.ts';
import type { WorkerPool } from '../../../lib/worker-pool.ts';
import type {
  ContextStoreApi, Fuse, Memory, MemoryHit, Partition, PartitionStats, PutInput, PutResult, RecallTier, Relation,
  RetentionPolicy, SearchOptions, TierHit, TierList, TimePoint,
} from '../types.ts';
import { emptyHeader, exportPartition } from './export-format.ts';
import { importIntoFile, type ImportTask } from './import-lines.ts';
import { checkPartition, checkPutInput, checkRelation, inputError, newMemoryId, PARTITION_NAME } from './memory-input.ts';
import { PartitionHandle } from './partition-handle.ts';
import { expiredIds } from './retention.ts';
import type { Durability } from './schema.ts';
import { planFact } from './temporal.ts';

export interface ContextStoreOptions {
  /** The directory holding one `<partition>.sqlite` per partition (the service uses <state>/memory). */
  dir: string;
  durability?: Durability;
  /** T3, T4: told of every new memory and every forget. */
  tiers?: readonly RecallTier[];
  /** Hybrid recall over T2 and the tiers; default: T2's ranking, then the tiers' other hits. */
  fuse?: Fuse;
  /** T2's language for new partitions (lib/text/languages.ts; default 'en'). */
  lang?: string;
  /** Recent memories T0 keeps per partition, besides the pinned ones (default 512). */
  hotCapacity?: number;
  /** T2: documents one search may score at most (text-tier.ts; default 2 000). */
  postingsBudget?: number;
  /** Hits each tier hands the fusion, at least k (default FUSION_DEPTH, 10). */
  fusionDepth?: number;
  /** Pinned memories a partition may hold (default 256): they all go into every step's context. */
  pinnedLimit?: number;
  /** Bulk import runs here when given (worker task 'memory-import', store-worker.ts), else inline. */
  workers?: WorkerPool;
  now?: () => number;
}

const DEFAULT_K = 10;
/** Memories an import reads back from T1 between two turns of the event loop. */
const READ_CHUNK = 1000;
/**
 * Hits per tier for the fusion, at least (k if more). Deeper lists were
 * measured on the conversational set (bench/memory-recall.ts --fusion-depth):
 * 30 gains on the tuning seed 29 (recall@10 0.765 -> 0.805) and on seed 19
 * (0.765 -> 0.785) but loses on the held-out seed 7 (0.828 -> 0.808), and
 * ranks the current value first less often on all three: kept at 10.
 */
export const FUSION_DEPTH = 10;
const MAX_K = 1000;

/** The store's default fusion: T2's order, then each other tier's ids not seen yet, in rank order. */
export const appendFuse: Fuse = (lists) => {
  const seen = new Set<string>();
  const out: TierHit[] = [];
  for (const list of lists) {
    for (const hit of list.hits) {
      if (seen.has(hit.id)) continue;
      seen.add(hit.id);
      out.push({ id: hit.id, score: 1 / (out.length + 1) });
    }
  }
  return out;
};

export function createContextStore(options: ContextStoreOptions): ContextStoreApi {
  const tiers = options.tiers ?? [];
  const tierNames = tiers.map((t) => t.name);
  const fuse = options.fuse ?? appendFuse;
  const lang = options.lang ?? 'en';
  const durability = options.durability ?? 'full';
  const clock = options.now ?? Date.now;
  const pinnedLimit = options.pinnedLimit ?? 256;
  const fusionDepth = options.fusionDepth ?? FUSION_DEPTH;
  const open = new Map<Partition, PartitionHandle>();
  let closed = false;

  /** The open partition; `create` false: undefined when it has no file yet (a read creates nothing). */
  function handle(partition: Partition, create: false): PartitionHandle | undefined;
  function handle(partition: Partition, create?: true): PartitionHandle;
  function handle(partition: Partition, create = true): PartitionHandle | undefined {
    checkPartition(partition);
    if (closed) throw new OctantError('E_MEMORY_CLOSED', 'memory store: closed');
    let h = open.get(partition);
    if (h === undefined) {
      if (!create && !existsSync(fileOf(partition))) return undefined;
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      h = new PartitionHandle(partition, fileOf(partition), { durability, lang, hotCapacity: options.hotCapacity ?? 512, postingsBudget: options.postingsBudget }, clock());
      open.set(partition, h);
    }
    return h;
  }

  const fileOf = (partition: Partition): string => join(options.dir, `${partition}.sqlite`);

  async function addToTiers(memory: Memory): Promise<void> {
    for (const tier of tiers) {
      try {
        await tier.add(memory);
      } catch (cause) {
        throw new OctantError('E_MEMORY_TIER', `memory ${memory.id} is stored, but tier ${tier.name} could not index it: ${String(cause)}`, { cause, detail: { id: memory.id, tier: tier.name } });
      }
    }
  }

  /** A bulk import: each tier gets the whole batch at once (its own transactions and workers), all tiers concurrently. */
  async function addManyToTiers(memories: readonly Memory[]): Promise<void> {
    if (memories.length === 0) return;
    const settled = await Promise.allSettled(tiers.map(async (tier) => {
      if (tier.addMany !== undefined) await tier.addMany(memories);
      else for (const memory of memories) await tier.add(memory);
    }));
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed < 0) return;
    const cause: unknown = (settled[failed] as PromiseRejectedResult).reason;
    const tier = tiers[failed].name;
    throw new OctantError('E_MEMORY_TIER', `${memories.length} memories are stored, but tier ${tier} could not index them: ${String(cause)}`, { cause, detail: { tier, memories: memories.length } });
  }

  /** Tells every recall tier of the forgets it has not confirmed (this call's and any left by a crash or a failure). */
  async function drainForgets(partition: Partition, h: PartitionHandle): Promise<void> {
    const failed: string[] = [];
    for (const { id, tier: name } of h.t1.pendingForgets()) {
      const tier = tiers.find((t) => t.name === name);
      try {
        if (tier !== undefined) await tier.remove(partition, id);
        h.t1.clearPending(id, name);
      } catch (cause) {
        failed.push(`${name}: ${id} (${String(cause)})`);
      }
    }
    h.purge();
    if (failed.length > 0) {
      throw new OctantError('E_MEMORY_FORGET_TIER', `memory: forgotten from T0-T2, but a recall tier has not removed it yet: ${failed.join('; ')}`, {
        hint: 'the removal is retried at the next forget or sweep', detail: { failed },
      });
    }
  }

  async function put(partition: Partition, raw: PutInput): Promise<PutResult> {
    const input = checkPutInput(raw);
    const h = handle(partition);
    const tx = h.tick(clock());
    const validFrom = input.validFrom ?? tx;
    if (input.validTo !== undefined && input.validTo <= validFrom) throw inputError('validTo', 'must be after validFrom');
    const importance = input.importance ?? 0.5;
    if (input.pinned === true && h.t0.pinnedCount >= pinnedLimit) {
      throw new OctantError('E_MEMORY_PINNED_LIMIT', `memory ${partition}: already ${pinnedLimit} pinned memories`, { hint: 'unpin or forget one first' });
    }
    const result = h.t1.transaction(() => {
      if (input.kind !== 'fact' || input.key === undefined) {
        const id = newMemoryId(tx);
        h.t1.insertVersion(h.t1.insertMemory(id, input, importance, tx, h.terms(input)), validFrom, input.validTo, tx);
        return { id, outcome: 'created' as const, closed: [], retracted: [], isNew: true };
      }
      const plan = planFact(h.t1.believed(input.key), { text: input.text, validFrom, validTo: input.validTo });
      if (plan.target !== undefined) h.t1.confirm(plan.target, tx, importance, input.pinned === true);
      if (plan.confirm !== undefined) return { id: plan.confirm, outcome: 'confirmed' as const, closed: [], retracted: [], isNew: false };
      for (const v of plan.supersede) h.t1.supersede(v, tx);
      const id = plan.target ?? newMemoryId(tx);
      if (plan.target === undefined) h.t1.insertMemory(id, input, importance, tx, h.terms(input));
      for (const w of plan.write) {
        const n = h.t1.rowOf(w.id ?? id);
        if (n === undefined) throw new Error(`memory ${w.id ?? id} vanished inside its transaction`);
        h.t1.insertVersion(n, w.validFrom, w.validTo, tx);
      }
      const outcome = plan.closed.length + plan.retracted.length > 0 ? 'superseded' as const : plan.target === undefined ? 'created' as const : 'confirmed' as const;
      return { id, outcome, closed: plan.closed, retracted: plan.retracted, isNew: plan.target === undefined };
    });
    // Write-through: T1 has committed; now T0 drops what the put changed.
    for (const id of [...result.closed, ...result.retracted, result.id]) h.t0.evict(id);
    if (input.key !== undefined) h.t0.evictKey(input.key);
    const memory = h.read(result.id, clock());
    if (memory === undefined) throw new Error(`memory ${result.id} missing after its commit`);
    const done: PutResult = { memory, outcome: result.outcome, closed: result.closed, retracted: result.retracted };
    if (result.isNew) await addToTiers(memory);
    return done;
  }

  /** The memory as a search answers it: the version matching `asOf` (or believed now), of an allowed kind. */
  function visible(h: PartitionHandle, id: string, options: SearchOptions, now: number): Memory | undefined {
    const memory = options.asOf === undefined ? h.read(id, now) : h.t1.getAsOf(id, options.asOf.validAt ?? now, options.asOf.knownAt ?? now);
    if (memory === undefined || (options.asOf === undefined && memory.supersededAt !== undefined)) return undefined;
    if (options.kinds !== undefined && !options.kinds.includes(memory.kind)) return undefined;
    return memory;
  }

  async function search(partition: Partition, query: string, options: SearchOptions = {}): Promise<MemoryHit[]> {
    if (typeof query !== 'string') throw inputError('query', 'expected text');
    const k = options.k ?? DEFAULT_K;
    if (!Number.isSafeInteger(k) || k < 1 || k > MAX_K) throw inputError('k', `expected an integer from 1 to ${MAX_K}`);
    const h = handle(partition, false);
    if (h === undefined) return [];
    const now = clock();
    // The recall tiers are asked first and concurrently (a tier that waits on
    // a worker or a remote database does not hold the others); T2 runs meanwhile.
    const depth = Math.max(k, fusionDepth);
    const pending = Promise.all(tiers.map(async (tier) => ({ tier: tier.name, hits: await tier.search(partition, query, depth) })));
    const lists: TierList[] = [{ tier: 't2', hits: h.t2.search(query, { k: depth, kinds: options.kinds, asOf: options.asOf }, now) }, ...await pending];
    const memories = new Map<string, Memory>();
    const kept = lists.map((list) => ({
      tier: list.tier,
      hits: list.hits.filter((hit) => {
        if (memories.has(hit.id)) return true;
        const memory = visible(h, hit.id, options, now);
        if (memory !== undefined) memories.set(hit.id, memory);
        return memory !== undefined;
      }),
    }));
    return fuse(kept, memories, now).slice(0, k).flatMap((hit) => {
      const memory = memories.get(hit.id);
      if (memory === undefined) return [];
      return [{ memory, score: hit.score, tiers: kept.filter((l) => l.hits.some((x) => x.id === hit.id)).map((l) => l.tier) }];
    });
  }

  async function forgetMany(partition: Partition, ids: readonly string[]): Promise<string[]> {
    const h = handle(partition, false);
    if (h === undefined) return [];
    const gone = h.t1.transaction(() => ids.filter((id) => h.t1.delete(id, tierNames)));
    for (const id of gone) h.t0.evict(id);
    await drainForgets(partition, h);
    return gone;
  }

  return {
    put,
    get(partition, id) {
      return handle(partition, false)?.read(id, clock());
    },
    current(partition, key) {
      return handle(partition, false)?.current(key, clock());
    },
    asOf(partition, key, at: TimePoint) {
      const now = clock();
      return handle(partition, false)?.t1.asOf(key, at.validAt ?? now, at.knownAt ?? now);
    },
    history(partition, key) {
      return handle(partition, false)?.t1.history(key) ?? [];
    },
    search,
    async forget(partition, id) {
      if (typeof id !== 'string') throw inputError('id', 'expected a memory id');
      return (await forgetMany(partition, [id])).length === 1;
    },
    async relate(partition, raw: Relation, extra = {}) {
      const relation = checkRelation(raw);
      // A relation is a fact on its own triple: stating it again confirms it, never duplicates it.
      return put(partition, {
        kind: 'fact', key: `rel:${relation.from}|${relation.relation}|${relation.to}`,
        text: `${relation.from} ${relation.relation} ${relation.to}`, relation, importance: extra.importance, tags: extra.tags,
      });
    },
    pinned(partition) {
      return handle(partition, false)?.t0.pinned() ?? [];
    },
    recent(partition, n) {
      if (!Number.isSafeInteger(n) || n < 0 || n > MAX_K) throw inputError('n', `expected an integer from 0 to ${MAX_K}`);
      return handle(partition, false)?.t1.recent(n) ?? [];
    },
    async sweep(partition, policy: RetentionPolicy) {
      const h = handle(partition, false);
      if (h === undefined) return [];
      return forgetMany(partition, expiredIds(h.t1.db, policy, clock()));
    },
    exportLines(partition) {
      const h = handle(partition, false);
      return h === undefined ? [JSON.stringify(emptyHeader(partition, clock()))] : exportPartition(h.t1.db, partition, clock());
    },
    async importLines(partition, lines) {
      const h = handle(partition);
      const task: ImportTask = { file: fileOf(partition), partition, lines: [...lines], durability, lang };
      const result = options.workers === undefined ? importIntoFile(task) : await options.workers.run<ReturnType<typeof importIntoFile>>('memory-import', task);
      h.reload(clock());
      // Read from T1 without filling T0's LRU with a whole import, a chunk
      // at a time with the event loop served between two (100 000 reads take seconds).
      const now = clock();
      const added: Memory[] = [];
      for (let i = 0; i < result.ids.length; i += READ_CHUNK) {
        if (i > 0) await setImmediate();
        for (const id of result.ids.slice(i, i + READ_CHUNK)) {
          const memory = h.t1.get(id, now);
          if (memory !== undefined) added.push(memory);
        }
      }
      await addManyToTiers(added);
      return { imported: result.ids.length, skipped: result.skipped };
    },
    stats(partition): PartitionStats {
      return handle(partition, false)?.stats() ?? { partition, memories: 0, byKind: { fact: 0, note: 0, turn: 0 }, versions: 0, pinned: 0, bytes: 0 };
    },
    partitions() {
      let names: string[];
      try {
        names = readdirSync(options.dir);
      } catch {
        return [];
      }
      return names.filter((n) => n.endsWith('.sqlite')).map((n) => n.slice(0, -'.sqlite'.length)).filter((n) => PARTITION_NAME.test(n)).sort();
    },
    async close() {
      closed = true;
      for (const h of open.values()) h.close();
      open.clear();
    },
  };
}

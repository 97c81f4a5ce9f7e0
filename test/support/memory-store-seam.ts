// A small in-memory store with the tiered store's API, for the unit tests of
// what the context service does around it (redaction, partitions, sharing,
// retention, the mediated path, compaction). The tiered store itself is
// tested on its own; the integration tests use it through dist/octant.
import { randomUUID } from 'node:crypto';
import type { ContextStoreApi, Memory, MemoryHit, Partition } from '../../src/services/context/api.ts';

export interface SeamStore extends ContextStoreApi {
  /** Every memory kept, for assertions. */
  all(): Memory[];
}

export function memoryStoreSeam(now: () => number = Date.now): SeamStore {
  const memories: Memory[] = [];
  const words = (text: string): Set<string> => new Set(text.toLowerCase().split(/\W+/).filter((w) => w.length > 1));
  const current = (m: Memory): boolean => m.supersededAt === undefined && m.validTo === undefined;
  const of = (partition: Partition): Memory[] => memories.filter((m) => m.partition === partition);
  const store: SeamStore = {
    all: () => [...memories],
    async put(partition, input) {
      const t = now();
      const closed: string[] = [];
      if (input.key !== undefined) {
        for (const old of of(partition)) if (old.key === input.key && current(old)) { old.validTo = t; old.supersededAt = t; closed.push(old.id); }
      }
      const memory: Memory = { id: randomUUID(), partition, kind: input.kind, text: input.text, importance: input.importance ?? 0.5, pinned: input.pinned ?? false, validFrom: t, recordedAt: t, ...(input.key !== undefined ? { key: input.key } : {}), ...(input.tags !== undefined ? { tags: [...input.tags] } : {}) };
      memories.push(memory);
      return { memory: { ...memory }, outcome: closed.length > 0 ? 'superseded' : 'created', closed, retracted: [] };
    },
    get: (partition, id) => of(partition).find((m) => m.id === id),
    current: (partition, key) => of(partition).find((m) => m.key === key && current(m)),
    history: (partition, key) => of(partition).filter((m) => m.key === key),
    async search(partition, query, options = {}) {
      const q = words(query);
      const hits: MemoryHit[] = [];
      for (const m of of(partition)) {
        if (!current(m)) continue;
        const overlap = [...words(m.text)].filter((w) => q.has(w)).length;
        if (overlap > 0) hits.push({ memory: m, score: overlap, tiers: ['t2'] });
      }
      return hits.sort((a, b) => b.score - a.score).slice(0, options.k ?? 10);
    },
    async forget(partition, id) {
      const i = memories.findIndex((m) => m.partition === partition && m.id === id);
      if (i === -1) return false;
      memories.splice(i, 1);
      return true;
    },
    relate: (partition, relation) => store.put(partition, { kind: 'fact', key: `rel:${relation.from}|${relation.relation}|${relation.to}`, text: `${relation.from} ${relation.relation} ${relation.to}` }),
    pinned: (partition) => of(partition).filter((m) => m.pinned && current(m)),
    recent: (partition, n) => of(partition).reverse().slice(0, n),
    async sweep(partition, policy) {
      const gone: string[] = [];
      for (const kind of ['fact', 'note', 'turn'] as const) {
        const rule = policy[kind];
        if (rule === undefined) continue;
        const mine = of(partition).filter((m) => m.kind === kind && !m.pinned).reverse();
        mine.forEach((m, rank) => {
          if ((rule.maxAgeMs !== undefined && m.recordedAt < now() - rule.maxAgeMs) || (rule.maxCount !== undefined && rank >= rule.maxCount)) gone.push(m.id);
        });
      }
      for (const id of gone) await store.forget(partition, id);
      return gone;
    },
    exportLines: (partition) => [JSON.stringify({ format: 'octant-memory', version: 1, partition }), ...of(partition).map((m) => JSON.stringify(m))],
    async importLines(partition, lines) {
      for (const line of lines.slice(1)) memories.push({ ...(JSON.parse(line) as Memory), partition });
      return { imported: lines.length - 1, skipped: 0 };
    },
    stats: (partition) => ({ partition, memories: of(partition).length, byKind: { fact: 0, note: 0, turn: 0 }, versions: of(partition).length, pinned: 0, bytes: 0 }),
    partitions: () => [...new Set(memories.map((m) => m.partition))].sort(),
    close: async () => {},
  };
  return store;
}

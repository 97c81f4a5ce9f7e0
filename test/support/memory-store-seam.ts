// A small in-memory MemoryStore for the unit tests of the context service's
// core and the memory tools (what they do around the store: redaction,
// partitions, sharing, retention, the mediated path). The tiered store
// itself is tested on its own; the integration tests use it through dist/octant.
import { randomUUID } from 'node:crypto';
import type { Memory, MemoryStore, Partition, RecallHit } from '../../src/services/context/api.ts';

export interface SeamStore extends MemoryStore {
  /** Every memory kept, for assertions. */
  all(): Memory[];
  relations: { partition: string; from: string; relation: string; to: string }[];
}

export function memoryStoreSeam(now: () => number = Date.now): SeamStore {
  const memories: Memory[] = [];
  const relations: SeamStore['relations'] = [];
  const words = (text: string): Set<string> => new Set(text.toLowerCase().split(/\W+/).filter((w) => w.length > 1));
  const current = (m: Memory): boolean => m.supersededAt === undefined && m.validTo === undefined;
  return {
    relations,
    all: () => [...memories],
    async put(partition, input) {
      const t = now();
      if (input.key !== undefined) {
        for (const old of memories) if (old.partition === partition && old.key === input.key && current(old)) { old.validTo = t; old.supersededAt = t; }
      }
      const memory: Memory = { id: randomUUID(), partition, kind: input.kind, text: input.text, importance: input.importance, pinned: input.pinned, validFrom: t, recordedAt: t, ...(input.key !== undefined ? { key: input.key } : {}), ...(input.tags !== undefined ? { tags: [...input.tags] } : {}) };
      memories.push(memory);
      return { ...memory };
    },
    get: async (partition, id) => memories.find((m) => m.partition === partition && m.id === id),
    current: async (partition, key) => memories.find((m) => m.partition === partition && m.key === key && current(m)),
    history: async (partition, key) => memories.filter((m) => m.partition === partition && m.key === key),
    async search(partition, query, k) {
      const q = words(query);
      const hits: RecallHit[] = [];
      for (const m of memories) {
        if (m.partition !== partition || !current(m)) continue;
        const overlap = [...words(m.text)].filter((w) => q.has(w)).length;
        if (overlap > 0) hits.push({ memory: m, score: overlap });
      }
      return hits.sort((a, b) => b.score - a.score).slice(0, k);
    },
    async list(partition, options) {
      return memories.filter((m) => m.partition === partition && (options.history || current(m))).reverse().slice(0, options.limit);
    },
    async forget(partition, id) {
      const i = memories.findIndex((m) => m.partition === partition && m.id === id);
      if (i === -1) return false;
      memories.splice(i, 1);
      return true;
    },
    async relate(partition, from, relation, to) {
      relations.push({ partition, from, relation, to });
      return { from, relation, to };
    },
    partitions: async () => [...new Set(memories.map((m) => m.partition))].sort() as Partition[],
    async restore(_partition, memory) {
      memories.push({ ...memory });
    },
    close: async () => {},
  };
}

// The context service's core over the tiered store (context-api.ts):
//   - no secret in an agent's memory: every text, key and tag is redacted
//     through the vault BEFORE it is stored, and again before it is returned
//     (a secret the vault learns later is hidden in older memories too);
//   - partitions are agents' names; which agents an owner shares with is its
//     manifest's declaration, kept on disk and recorded in the ledger when it
//     changes (sharing.ts);
//   - retention (max age, max count) is applied when the owner starts;
//     pinned memories are exempt (they are kept until forgotten).

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { LedgerAppend } from '../ledger/api.ts';
import type { ContextApi, MemoryInput, MemoryRef, MemoryStore, PartitionExport, RecallHit } from './context-api.ts';
import type { SharingRegistry } from './sharing.ts';
import type { Memory, Partition } from './types.ts';

export interface ContextDeps {
  store: MemoryStore;
  /** The vault's redactor (a slice per event-loop turn). */
  redact(text: string): Promise<string>;
  ledger: LedgerAppend;
  sharing: SharingRegistry;
  now?: () => number;
}

export const EXPORT_FORMAT = 'octant-memory/1';
/** How many memories one list, retention pass or export reads. */
const ALL = 10_000_000;

const PARTITION = /^[a-z][a-z0-9-]{0,62}$/;

/** Partitions are agent names (manifest identity.name), so a name from anywhere else is checked here too. */
export function checkPartition(partition: string, field = 'partition'): Partition {
  if (!PARTITION.test(partition)) throw new OctantError('E_CONTEXT_PARTITION', `${field}: ${JSON.stringify(partition.slice(0, 80))} is not an agent name`, { exit: EXIT.usage, hint: 'a partition is named by its agent: lowercase letters, digits and -' });
  return partition;
}

export function createContext(deps: ContextDeps): ContextApi {
  const { store, redact } = deps;
  const now = deps.now ?? Date.now;
  const clean = async (memory: Memory): Promise<Memory> => ({
    ...memory,
    text: await redact(memory.text),
    ...(memory.key !== undefined ? { key: await redact(memory.key) } : {}),
  });
  const cleanHits = async (hits: RecallHit[]): Promise<RecallHit[]> => Promise.all(hits.map(async (h) => ({ ...h, memory: await clean(h.memory) })));
  const resolve = async (partition: Partition, ref: MemoryRef): Promise<Memory | undefined> =>
    'id' in ref ? store.get(partition, ref.id) : store.current(partition, await redact(ref.key));

  const put = async (partition: Partition, input: MemoryInput): Promise<Memory> => {
    checkPartition(partition);
    const key = input.key === undefined ? undefined : await redact(input.key);
    const stored = await store.put(partition, {
      kind: input.kind ?? (key !== undefined ? 'fact' : 'note'),
      ...(key !== undefined ? { key } : {}),
      text: await redact(input.text),
      importance: input.importance ?? 0.5,
      pinned: input.pinned ?? false,
      ...(input.tags !== undefined ? { tags: await Promise.all(input.tags.map(redact)) } : {}),
    });
    return clean(stored);
  };

  const forgetIds = async (partition: Partition, ids: readonly string[]): Promise<number> => {
    let removed = 0;
    for (const id of ids) if (await store.forget(partition, id)) removed++;
    return removed;
  };

  return {
    put,
    async get(partition, ref) {
      const found = await resolve(checkPartition(partition), ref);
      return found === undefined ? undefined : clean(found);
    },
    async search(partition, query, k) {
      return cleanHits(await store.search(checkPartition(partition), await redact(query), k));
    },
    async pinned(partition) {
      const all = await store.list(checkPartition(partition), { limit: ALL, history: false });
      return Promise.all(all.filter((m) => m.pinned).map(clean));
    },
    async list(partition, options = {}) {
      const all = await store.list(checkPartition(partition), { limit: options.limit ?? 100, history: options.history ?? false });
      return Promise.all(all.map(clean));
    },
    async forget(partition, ref) {
      checkPartition(partition);
      // A fact is forgotten with its whole history: "forget what you know of
      // user.timezone" must not leave last month's value findable.
      if ('key' in ref) return forgetIds(partition, (await store.history(partition, await redact(ref.key))).map((m) => m.id));
      return forgetIds(partition, [ref.id]);
    },
    relate: async (partition, from, relation, to) => store.relate(checkPartition(partition), await redact(from), await redact(relation), await redact(to)),
    async attach(partition, policy, actor) {
      checkPartition(partition);
      await deps.sharing.declare(partition, policy.shareWith, actor);
      const { maxAge, maxCount } = policy.retention ?? {};
      if (maxAge === undefined && maxCount === undefined) return { expired: 0 };
      // Newest first; pinned memories are kept whatever their age or rank.
      const all = (await store.list(partition, { limit: ALL, history: true })).filter((m) => !m.pinned);
      const cutoff = maxAge === undefined ? -Infinity : now() - maxAge * 1000;
      const expired = all.filter((m, rank) => m.recordedAt < cutoff || (maxCount !== undefined && rank >= maxCount)).map((m) => m.id);
      if (expired.length === 0) return { expired: 0 };
      // Log first: the ledger says what retention removes (how many, never what) before it is removed.
      await deps.ledger({ ...actor, kind: 'memory', action: 'memory.retention', target: partition, decision: 'allow', detail: { expired: expired.length, maxAge: maxAge ?? null, maxCount: maxCount ?? null } });
      return { expired: await forgetIds(partition, expired) };
    },
    sharesWith: (owner, reader) => deps.sharing.sharesWith(owner, reader),
    partitions: () => store.partitions(),
    async stats(partition) {
      checkPartition(partition);
      const all = await store.list(partition, { limit: ALL, history: true });
      const current = all.filter((m) => m.supersededAt === undefined && m.validTo === undefined);
      return { partition, current: current.length, total: all.length, pinned: current.filter((m) => m.pinned).length, sharedWith: deps.sharing.readers(partition) };
    },
    async exportPartition(partition) {
      checkPartition(partition);
      const all = await store.list(partition, { limit: ALL, history: true });
      return { format: EXPORT_FORMAT, partition, memories: await Promise.all(all.reverse().map(clean)) };
    },
    async importPartition(partition, data: PartitionExport) {
      checkPartition(partition);
      let added = 0;
      for (const memory of data.memories) {
        // Into this partition whatever the export says, and redacted again: an
        // export is a file an operator may have edited.
        const cleaned = await clean(memory);
        await store.restore(partition, { ...cleaned, partition, ...(memory.tags !== undefined ? { tags: await Promise.all(memory.tags.map(redact)) } : {}) });
        added++;
      }
      return added;
    },
  };
}

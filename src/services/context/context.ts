// The context service's core over the tiered store (context-api.ts):
//   - no secret in an agent's memory: every text, key, tag and relation is
//     redacted through the vault BEFORE it is stored, and texts again before
//     they are returned (a secret the vault learns later is hidden in older
//     memories too);
//   - partitions are agents' names; which agents an owner shares with is its
//     manifest's declaration, kept on disk and recorded in the ledger when it
//     changes (sharing.ts);
//   - retention (max age, max count) is applied when the owner starts;
//     pinned memories are exempt (they are kept until forgotten).

import type { LedgerAppend } from '../ledger/api.ts';
import type { ContextApi, MemoryInput, MemoryRef, RecallAnswer } from './context-api.ts';
import type { EmbedderChoice } from './embedder-choice.ts';
import { inRecallScope, type RecallScope } from './recall-scope.ts';
import type { SharingRegistry } from './sharing.ts';
import type { ContextStoreApi, MemoryHit, PutResult, RetentionPolicy } from './types.ts';
import type { Memory, Partition } from './types.ts';

export interface ContextDeps {
  store: ContextStoreApi;
  /** The vault's redactor (a slice per event-loop turn). */
  redact(text: string): Promise<string>;
  ledger: LedgerAppend;
  sharing: SharingRegistry;
  /** T3's embedder per partition (absent: every partition uses the operator's embedder). */
  embedders?: EmbedderChoice;
}

type Redact = (text: string) => Promise<string>;

async function redactTags(tags: readonly string[] | undefined, redact: Redact): Promise<{ tags?: string[] }> {
  return tags === undefined ? {} : { tags: await Promise.all(tags.map(redact)) };
}

/**
 * One export line with its texts redacted (the header line, which names the
 * format, is kept as it is). A line that is not JSON is passed on: the
 * store's import refuses it, naming the line.
 */
async function redactLine(line: string, index: number, redact: Redact): Promise<string> {
  if (index === 0) return line;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return line;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return line;
  const record = value as Record<string, unknown>;
  for (const field of ['text', 'key']) if (typeof record[field] === 'string') record[field] = await redact(record[field]);
  if (Array.isArray(record.tags)) record.tags = await Promise.all(record.tags.map((t) => (typeof t === 'string' ? redact(t) : t)));
  const relation = record.relation as Record<string, unknown> | undefined;
  if (relation !== null && typeof relation === 'object') for (const part of ['from', 'relation', 'to']) if (typeof relation[part] === 'string') relation[part] = await redact(relation[part]);
  return JSON.stringify(record);
}

/** The manifest's retention (seconds, count) as the store's policy, for every kind. */
function retentionPolicy(retention: { maxAge?: number; maxCount?: number }): RetentionPolicy {
  const rule = { ...(retention.maxAge !== undefined ? { maxAgeMs: retention.maxAge * 1000 } : {}), ...(retention.maxCount !== undefined ? { maxCount: retention.maxCount } : {}) };
  return { fact: rule, note: rule, turn: rule };
}

export function createContext(deps: ContextDeps): ContextApi {
  const { store, redact } = deps;
  const clean = async (memory: Memory): Promise<Memory> => ({
    ...memory,
    text: await redact(memory.text),
    ...(memory.key !== undefined ? { key: await redact(memory.key) } : {}),
  });
  const cleanResult = async (result: PutResult): Promise<PutResult> => ({ ...result, memory: await clean(result.memory) });
  const cleanHits = (hits: MemoryHit[]): Promise<MemoryHit[]> => Promise.all(hits.map(async (h) => ({ ...h, memory: await clean(h.memory) })));

  const forgetIds = async (partition: Partition, ids: readonly string[]): Promise<number> => {
    let removed = 0;
    for (const id of ids) if (await store.forget(partition, id)) removed++;
    return removed;
  };

  async function recall(partition: Partition, query: string, k: number, reader?: string): Promise<RecallAnswer> {
    const scope: RecallScope = { ...(reader !== undefined ? { reader } : {}), skipped: [] };
    const redacted = await redact(query);
    const hits = await inRecallScope(scope, () => store.search(partition, redacted, { k }));
    return { hits: await cleanHits(hits), skipped: scope.skipped };
  }

  return {
    async put(partition, input: MemoryInput) {
      const key = input.key === undefined ? undefined : await redact(input.key);
      return cleanResult(await store.put(partition, {
        kind: input.kind ?? (key !== undefined ? 'fact' : 'note'),
        ...(key !== undefined ? { key } : {}),
        text: await redact(input.text),
        importance: input.importance ?? 0.5,
        pinned: input.pinned ?? false,
        ...(await redactTags(input.tags, redact)),
      }));
    },
    async get(partition, ref: MemoryRef) {
      const found = 'id' in ref ? store.get(partition, ref.id) : store.current(partition, await redact(ref.key));
      return found === undefined ? undefined : clean(found);
    },
    async search(partition, query, k, reader) {
      return (await recall(partition, query, k, reader)).hits;
    },
    recall,
    pinned: async (partition) => Promise.all(store.pinned(partition).map(clean)),
    recent: async (partition, n) => Promise.all(store.recent(partition, n).map(clean)),
    async forget(partition, ref) {
      // A fact is forgotten with its whole history: "forget what you know of
      // user.timezone" must not leave last month's value findable.
      if ('key' in ref) return forgetIds(partition, [...new Set(store.history(partition, await redact(ref.key)).map((m) => m.id))]);
      return forgetIds(partition, [ref.id]);
    },
    async relate(partition, relation) {
      return cleanResult(await store.relate(partition, { from: await redact(relation.from), relation: await redact(relation.relation), to: await redact(relation.to) }));
    },
    async attach(partition, policy, actor, credentials) {
      // Checks the name before anything is recorded of it.
      store.stats(partition);
      await deps.sharing.declare(partition, policy.shareWith, actor);
      if (deps.embedders !== undefined) {
        // Log first: a new destination for this memory's text (or its end) is
        // in the ledger before any text is embedded by it.
        const from = deps.embedders.target(partition);
        const to = policy.remoteEmbedder === undefined ? 'default' : `router:${policy.remoteEmbedder}`;
        if (from !== to) await deps.ledger({ ...actor, kind: 'memory', action: 'memory.embedder', target: `memory:${partition}`, decision: 'allow', detail: { from, to } });
        deps.embedders.select(partition, policy.remoteEmbedder, actor, credentials?.vaultToken);
      }
      const retention = policy.retention ?? {};
      if (retention.maxAge === undefined && retention.maxCount === undefined) return { expired: 0 };
      // Log first: the policy being applied is durable before anything is removed; the count (never the content) after.
      const entry = { ...actor, kind: 'memory', action: 'memory.retention', target: partition };
      await deps.ledger({ ...entry, decision: 'allow', detail: { maxAge: retention.maxAge ?? null, maxCount: retention.maxCount ?? null } });
      const expired = (await store.sweep(partition, retentionPolicy(retention))).length;
      await deps.ledger({ ...entry, action: 'memory.retention.done', decision: 'ok', detail: { expired } });
      return { expired };
    },
    sharesWith: (owner, reader) => deps.sharing.sharesWith(owner, reader),
    partitions: async () => store.partitions(),
    stats: async (partition) => ({ ...store.stats(partition), sharedWith: deps.sharing.readers(partition), ...(deps.embedders !== undefined ? { embedder: deps.embedders.describe(partition) } : {}) }),
    async exportLines(partition) {
      const lines = store.exportLines(partition);
      return Promise.all(lines.map((line, i) => redactLine(line, i, redact)));
    },
    async importLines(partition, lines) {
      // Redacted again on the way in: an export is a file an operator may have edited.
      return store.importLines(partition, await Promise.all(lines.map((line, i) => redactLine(line, i, redact))));
    },
  };
}

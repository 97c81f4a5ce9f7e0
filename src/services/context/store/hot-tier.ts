// T0: one partition's hot memories in process: every pinned memory (always
// in the agent's context, never evicted) and the most recently used others
// (a bounded LRU: a Map re-inserted on use keeps recency order). It holds
// copies of what T1 holds and is written through by the store: every put,
// forget and sweep updates T1 first, then evicts or replaces the ids it
// touched here, so T0 never answers what T1 no longer has.

import type { Memory } from '../types.ts';

export class HotTier {
  readonly #capacity: number;
  readonly #pinned = new Map<string, Memory>();
  readonly #recent = new Map<string, Memory>();
  /** key -> the fact on it valid now with no end (only such facts are cached: they cannot expire by the clock). */
  readonly #current = new Map<string, Memory>();
  readonly #keyOf = new Map<string, string>();

  constructor(capacity: number, pinned: readonly Memory[]) {
    this.#capacity = capacity;
    for (const memory of pinned) this.#pinned.set(memory.id, Object.freeze(memory));
  }

  get(id: string): Memory | undefined {
    const pinned = this.#pinned.get(id);
    if (pinned !== undefined) return pinned;
    const memory = this.#recent.get(id);
    if (memory !== undefined) {
      this.#recent.delete(id);
      this.#recent.set(id, memory);
    }
    return memory;
  }

  /** Caches a memory read from or written to T1 (frozen: callers share it). */
  set(memory: Memory): Memory {
    const frozen = Object.isFrozen(memory) ? memory : Object.freeze(memory);
    if (frozen.pinned && frozen.supersededAt === undefined) {
      this.#recent.delete(frozen.id);
      this.#pinned.set(frozen.id, frozen);
      return frozen;
    }
    this.#pinned.delete(frozen.id);
    this.#recent.delete(frozen.id);
    this.#recent.set(frozen.id, frozen);
    if (this.#recent.size > this.#capacity) {
      const oldest = this.#recent.keys().next();
      if (oldest.done !== true) this.#recent.delete(oldest.value);
    }
    return frozen;
  }

  current(key: string): Memory | undefined {
    return this.#current.get(key);
  }

  setCurrent(key: string, memory: Memory): void {
    if (memory.validTo !== undefined || memory.supersededAt !== undefined) return;
    this.#current.set(key, this.set(memory));
    this.#keyOf.set(memory.id, key);
    if (this.#current.size > this.#capacity) {
      const oldest = this.#current.entries().next();
      if (oldest.done !== true) this.evictKey(oldest.value[0]);
    }
  }

  evict(id: string): void {
    this.#pinned.delete(id);
    this.#recent.delete(id);
    const key = this.#keyOf.get(id);
    if (key !== undefined) this.evictKey(key);
  }

  evictKey(key: string): void {
    const memory = this.#current.get(key);
    if (memory !== undefined) this.#keyOf.delete(memory.id);
    this.#current.delete(key);
  }

  pinned(): Memory[] {
    return [...this.#pinned.values()];
  }

  get pinnedCount(): number {
    return this.#pinned.size;
  }

  clear(pinned: readonly Memory[]): void {
    this.#pinned.clear();
    this.#recent.clear();
    this.#current.clear();
    this.#keyOf.clear();
    for (const memory of pinned) this.#pinned.set(memory.id, Object.freeze(memory));
  }

  get size(): number {
    return this.#pinned.size + this.#recent.size;
  }
}

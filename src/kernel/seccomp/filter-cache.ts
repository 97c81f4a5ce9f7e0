// Compiled seccomp filters, remembered per policy. compileSeccomp is a pure
// function of (syscalls, inet, defaultAction) and costs ~0.7 ms for the
// widest list; agents of one manifest share one policy, so the launcher
// compiles each distinct filter once (docs/isolation.md, "Spawn latency").
//
// The key is the exact input (names in the caller's order, not sorted), so
// two policies share an entry only when compiling them would read the same
// data. Failures are not cached: a bad policy fails on every launch. Each
// caller gets its own copy, so nobody can alter what the next launch loads.

import { compileSeccomp } from './compiler.ts';
import type { SeccompOptions, SeccompPolicy } from './compiler.ts';

/** Bounded: distinct policies beyond this evict the least recently used. */
export const FILTER_CACHE_SIZE = 64;

const cache = new Map<string, Buffer>();

function keyOf(policy: SeccompPolicy, options: SeccompOptions): string {
  return JSON.stringify([options.defaultAction ?? 'errno', policy.inet, policy.syscalls]);
}

/** compileSeccomp, memoized: same bytes, fresh Buffer each call. */
export function cachedSeccomp(policy: SeccompPolicy, options: SeccompOptions = {}): Buffer {
  const key = keyOf(policy, options);
  let filter = cache.get(key);
  if (filter === undefined) {
    filter = compileSeccomp(policy, options);
    if (cache.size >= FILTER_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  } else {
    cache.delete(key); // re-inserted below as the most recently used
  }
  cache.set(key, filter);
  return Buffer.from(filter);
}

/** How many filters are remembered (tests). */
export function cachedFilterCount(): number {
  return cache.size;
}

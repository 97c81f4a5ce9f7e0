// Who a recall is for, and what it had to leave out, carried through the
// store's search into the recall tiers without widening every signature
// (context.ts sets it; vectors/partition-embedders.ts reads it).
//   - `reader`: the agent name that searches; undefined for the operator.
//     A remote embedder embeds a query only for the agent whose manifest
//     granted it (the partition's owner): anyone else's query would be sent
//     to a provider on someone else's grant.
//   - `skipped`: tiers that did not answer, and why (T3 when its embedder is
//     remote and not usable now): the recall goes on with the others and the
//     answer says so.
// The AsyncLocalStorage is made on first use, never at import (the
// executable's startup snapshot).

import { AsyncLocalStorage } from 'node:async_hooks';

export interface RecallScope {
  reader?: string;
  skipped: { tier: string; reason: string }[];
}

let storage: AsyncLocalStorage<RecallScope> | undefined;

function scopes(): AsyncLocalStorage<RecallScope> {
  storage ??= new AsyncLocalStorage<RecallScope>();
  return storage;
}

/** Runs `fn` with `scope` visible to the tiers it reaches. */
export function inRecallScope<T>(scope: RecallScope, fn: () => Promise<T>): Promise<T> {
  return scopes().run(scope, fn);
}

/** The scope of the running recall, if any. */
export function currentRecallScope(): RecallScope | undefined {
  return storage?.getStore();
}

// Whom each partition is shared with: the owner's manifest declares it
// (memory.shareWith) and the declaration of its last start is kept here, so
// a reader can be checked while the owner is not running. Sharing is
// two-sided (docs/memory.md "Partitions and sharing"): the reader's own
// manifest must also ask (memory.read); the agent layer checks that side.
//
// A changed declaration is recorded in the ledger before it is in force
// (log first), and the file is replaced atomically.

import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { OctantError, messageOf } from '../../lib/errors.ts';
import type { LedgerAppend } from '../ledger/api.ts';
import type { Actor } from './context-api.ts';
import type { Partition } from './types.ts';

export interface SharingRegistry {
  declare(owner: Partition, readers: readonly string[], actor: Actor): Promise<void>;
  sharesWith(owner: Partition, reader: string): boolean;
  readers(owner: Partition): string[];
}

function load(file: string): Map<Partition, string[]> {
  if (!existsSync(file)) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OctantError('E_CONTEXT_SHARING', `${file}: not readable JSON (${messageOf(error)})`, { hint: 'the file is written atomically; restore it from a backup or remove it (every partition is then unshared until its owner starts again)' });
  }
  const out = new Map<Partition, string[]>();
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OctantError('E_CONTEXT_SHARING', `${file}: expected an object of partition → reader names`);
  for (const [owner, readers] of Object.entries(parsed)) {
    if (!Array.isArray(readers) || !readers.every((r) => typeof r === 'string')) throw new OctantError('E_CONTEXT_SHARING', `${file}: ${owner}: expected a list of agent names`);
    out.set(owner, [...readers]);
  }
  return out;
}

export function sharingRegistry(file: string, ledger: LedgerAppend): SharingRegistry {
  const shares = load(file);
  // One declaration at a time: two owners starting together must not lose each other's write.
  let queue: Promise<void> = Promise.resolve();
  return {
    declare(owner, readers, actor) {
      const next = [...new Set(readers)].sort();
      const run = queue.then(async () => {
        const before = shares.get(owner) ?? [];
        if (before.join('\n') === next.join('\n')) return;
        await ledger({ ...actor, kind: 'memory', action: 'memory.share', target: owner, decision: 'allow', detail: { readers: next, before } });
        if (next.length === 0) shares.delete(owner);
        else shares.set(owner, next);
        writeFileAtomic(file, `${JSON.stringify(Object.fromEntries([...shares].sort(([a], [b]) => a.localeCompare(b))), null, 2)}\n`, { mode: 0o600 });
      });
      queue = run.catch(() => undefined);
      return run;
    },
    sharesWith: (owner, reader) => (shares.get(owner) ?? []).includes(reader),
    readers: (owner) => [...(shares.get(owner) ?? [])],
  };
}

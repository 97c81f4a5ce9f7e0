// "@group" sugar in a syscalls list, expanded from data/syscall-groups.json.
// Unknown names and groups are schema errors (rule 1); permanently denied
// names pass here and are refused by rule 7 with their own code. Besides the
// x86_64 names, a restricted variant of the kernel layer (arg-filters.ts,
// e.g. "ioctl:harmless") is accepted.

import data from './data/syscall-groups.json' with { type: 'json' };
import { SYSCALLS_X86_64, isKnownSyscall } from '../../kernel/seccomp/syscall-table.ts';
import { RESTRICTED_VARIANTS } from '../../kernel/seccomp/arg-filters.ts';
import { closest } from '../../lib/closest.ts';
import { readList, readString, schemaError, sortedSet } from './field-reader.ts';

const GROUPS: ReadonlyMap<string, readonly string[]> = new Map(data.groups.map((g) => [g.name, g.syscalls]));

export function syscallGroups(): ReadonlyMap<string, readonly string[]> {
  return GROUPS;
}

/** A syscalls list, with groups expanded: sorted names. */
export function readSyscalls(value: unknown, path: string): string[] {
  const names: string[] = [];
  readList(value, path, (item, p) => {
    const text = readString(item, p, 64);
    if (text.startsWith('@')) {
      const group = GROUPS.get(text.slice(1));
      if (group === undefined) throw schemaError(p, `unknown syscall group ${JSON.stringify(text)}`, `groups: ${[...GROUPS.keys()].map((g) => `@${g}`).join(', ')}`);
      names.push(...group);
    } else {
      // A restricted variant ("ioctl:harmless") is a name too: groups expand
      // to it, so the signed normal form holds it and must validate again.
      if (!isKnownSyscall(text) && !RESTRICTED_VARIANTS.has(text)) {
        const near = closest(text, Object.keys(SYSCALLS_X86_64));
        throw schemaError(p, `${JSON.stringify(text)} is not an x86_64 system call`, near.length > 0 ? `did you mean ${near.join(', ')}?` : undefined);
      }
      names.push(text);
    }
  });
  return sortedSet(names);
}

/** Groups wholly contained in `names`, for plain-language output. */
export function groupsCovered(names: readonly string[]): string[] {
  const set = new Set(names);
  return [...GROUPS].filter(([, list]) => list.every((n) => set.has(n))).map(([g]) => g);
}

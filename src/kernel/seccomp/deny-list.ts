// The permanent deny list: system calls that break containment. No manifest
// may allow them (manifest validation rule 7) and every compiled seccomp
// filter refuses them whatever the policy says. The data, with a reason per
// entry, is in deny-list.json.

import data from './deny-list.json' with { type: 'json' };
import { isKnownSyscall } from './syscall-table.ts';

const LIST: ReadonlyMap<string, string> = new Map(data.syscalls.map((entry) => [entry.name, entry.reason]));

/** Name → reason, for every permanently denied syscall. */
export function permanentDenyList(): ReadonlyMap<string, string> {
  return LIST;
}

/** Why `name` is permanently denied, or undefined if it is not. */
export function denyReason(name: string): string | undefined {
  return LIST.get(name);
}

/** Entries naming calls this architecture's table does not know (should be none). */
export function unknownDenyEntries(): string[] {
  return [...LIST.keys()].filter((name) => !isKnownSyscall(name));
}

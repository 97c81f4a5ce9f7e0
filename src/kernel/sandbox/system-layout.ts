// What of the host system every sandbox sees read-only so granted programs
// can run: /usr (the dynamic loader, shared libraries, interpreters' standard
// libraries) and, on merged-/usr hosts, the /bin /lib /lib64 /sbin symlinks.
// Computed from the host once per process; nothing else of / is bound.
// Also which kernel interfaces of /proc exist here (kernel-interfaces.ts).

import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import type { SystemLayout } from './bwrap-args.ts';
import { hostProcLayout } from './kernel-interfaces.ts';

let cached: SystemLayout | undefined;

export function hostSystemLayout(): SystemLayout {
  if (cached) return cached;
  const symlinks: Record<string, string> = {};
  const roBinds = ['/usr'];
  for (const top of ['/bin', '/lib', '/lib64', '/sbin']) {
    if (!existsSync(top)) continue;
    // A merged-/usr link is recreated as a link; a real directory (older
    // layouts) is bound read-only.
    if (lstatSync(top).isSymbolicLink()) symlinks[top] = readlinkSync(top);
    else roBinds.push(top);
  }
  cached = { roBinds, symlinks, proc: hostProcLayout() };
  return cached;
}

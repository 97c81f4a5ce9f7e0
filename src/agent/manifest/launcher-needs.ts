// What octant's own programs inside a sandbox need from the manifest's
// syscalls, for `octant manifest validate` to warn about (a warning, not an
// error: the manifest is valid, the agent just would not start). Every agent
// runs octant code inside its sandbox: the built-in loop (`octant run
// --task`), or the egress bridge that starts a wrapped program (`octant run
// -- COMMAND`) and relays the gateway and the egress proxy to it. Both are
// Node, under the same seccomp filter as the agent's own program. Found by
// running them in real sandboxes (test/integration/isolation-tier.test.ts
// and runtime-groups.test.ts).

import type { Manifest } from './schema.ts';

export interface LauncherWarning {
  /** The group to add (without "@"). */
  group: string;
  /** The calls of it the manifest lacks. */
  missing: string[];
  message: string;
}

/** What runs in the sandbox: the built-in loop, a wrapped program, or not known (validate without a command: guessed). */
export type AgentKind = 'loop' | 'wrapped' | undefined;

interface Need {
  group: string;
  /** The calls that must be there (a sample of the group the programs are seen to fail without). */
  calls: readonly string[];
  applies(m: Manifest, kind: AgentKind): boolean;
  why: string;
}

/** A wrapped program always has the bridge; not knowing, a manifest that lists programs is taken for one. */
const wrapped = (m: Manifest, kind: AgentKind): boolean => kind === 'wrapped' || (kind === undefined && m.processes.exec.length > 0);

const NEEDS: readonly Need[] = [
  {
    group: 'process-spawn', calls: ['clone'], applies: () => true,
    why: 'octant runs Node inside every sandbox (the built-in loop, or the bridge that starts a wrapped program), and Node starts its threads with clone; the bridge also forks the wrapped program',
  },
  {
    group: 'network-client', calls: ['socket', 'connect'], applies: () => true,
    why: "the built-in loop and the bridge reach the agent's gateway over a Unix socket",
  },
  {
    group: 'network-server', calls: ['bind', 'listen', 'accept4'], applies: (m, kind) => wrapped(m, kind) || m.network.destinations.length > 0,
    why: "the bridge listens on loopback inside the sandbox: the gateway relay a wrapped program's SDK talks to, and the egress proxy for network.destinations",
  },
];

export function launcherWarnings(m: Manifest, kind?: AgentKind): LauncherWarning[] {
  const have = new Set(m.syscalls);
  const out: LauncherWarning[] = [];
  for (const need of NEEDS) {
    if (!need.applies(m, kind)) continue;
    const missing = need.calls.filter((c) => !have.has(c));
    if (missing.length > 0) out.push({ group: need.group, missing, message: `syscalls: add "@${need.group}" (${missing.join(', ')} missing): ${need.why}` });
  }
  return out;
}

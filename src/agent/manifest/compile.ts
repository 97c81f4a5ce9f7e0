// An effective manifest → the SandboxPolicy the kernel layer enforces
// (kernel/sandbox-policy.ts). Pure: same manifest and AID, same policy.
//   filesystem.write → read-write binds; filesystem.read → read-only binds,
//     except where a write path already covers them (a read-only bind inside
//     a writable one would take the write away). Sorted so a parent
//     directory is mounted before anything inside it.
//   syscalls → the allowlist minus the permanent deny list (again, whatever
//     validation said: defence in depth).
//   network → the proxy's allowlist; inet only when there is somewhere to go.
//   resources → cgroup limits; credentials → vault grants; TTL in seconds.
//   /tmp is private, a quarter of the memory ceiling and at most 64 MiB,
//     since tmpfs pages count against the memory cgroup.
//   user → the unprivileged host uid/gid the lifecycle chose for this agent.
//   isolation → the tier (namespaces unless the manifest says gvisor; the
//     manifest port raises it further for the system policy and the operator).

import { denyReason } from '../../kernel/seccomp/deny-list.ts';
import type { AgentUser, BindMount, SandboxPolicy } from '../../kernel/sandbox-policy.ts';
import { pathWithin } from './path-set.ts';
import { isolationOf, type EffectiveManifest } from './schema.ts';

const MAX_TMP_BYTES = 64 * 2 ** 20;

export function compileToPolicy(m: EffectiveManifest, aid: string, user: AgentUser): SandboxPolicy {
  const write: BindMount[] = m.filesystem.write.map((p) => ({ source: p, target: p, mode: 'rw' }));
  const read: BindMount[] = m.filesystem.read
    .filter((p) => !m.filesystem.write.some((w) => pathWithin(p, w)))
    .map((p) => ({ source: p, target: p, mode: 'ro' }));
  const binds = [...write, ...read].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return {
    id: aid,
    binds,
    executables: [...m.processes.exec],
    syscalls: m.syscalls.filter((name) => denyReason(name) === undefined),
    inet: m.network.destinations.length > 0,
    limits: {
      memoryBytes: m.resources.memory,
      pids: m.resources.pids,
      cpu: m.resources.cpu,
      ioBytesPerSec: m.resources.ioBandwidth,
      netBytesPerSec: m.resources.networkThroughput,
    },
    network: m.network.destinations.map((d) => ({ host: d.host, ports: [d.ports[0], d.ports[1]], protocol: d.protocol })),
    credentials: [...m.credentials],
    ttlSeconds: m.lifetime.ttl === 'unlimited' ? null : m.lifetime.ttl,
    tmpBytes: Math.min(MAX_TMP_BYTES, Math.floor(m.resources.memory / 4)),
    isolation: isolationOf(m),
    // Chosen by the lifecycle per running agent, never by the manifest.
    user: { uid: user.uid, gid: user.gid },
  };
}

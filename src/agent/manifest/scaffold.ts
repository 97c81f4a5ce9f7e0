// `octant manifest new`: a deny-all manifest with every domain written out
// and a comment saying how to grant it, so the author starts from nothing.

import { formatDuration } from './units.ts';

export interface ScaffoldOptions {
  name: string;
  operator: string;
  role?: string;
}

export function scaffoldManifest(options: ScaffoldOptions): string {
  const q = (s: string): string => JSON.stringify(s);
  return `# OctantOS capability manifest (docs/manifests.md). Everything is denied
# until granted here; sign it with: octant manifest sign FILE --key KEY
version: 1
identity:
  name: ${q(options.name)}          # unique among running agents
${options.role === undefined ? '  # role: researcher   # optional: the manifest must fit this role\'s ceiling\n' : `  role: ${q(options.role)}\n`}  operator: ${q(options.operator)}
filesystem:
  read: []     # absolute paths, e.g. /data/papers (everything below them)
  write: []    # absolute paths the agent may change, e.g. /workspace
network:
  destinations: []   # e.g. { host: api.example.com, ports: 443, protocol: https }
syscalls: []   # names or groups, e.g. ["@base", "@file-read", "@process-spawn", "@network-client"]; octant manifest validate warns about what octant needs (docs/manifests.md)
processes:
  exec: []     # programs it may run, e.g. /usr/bin/git
resources:
  cpu: 0.5                  # cores
  memory: 256MiB
  ioBandwidth: 10MiB/s
  pids: 32
  networkThroughput: 1MiB/s
credentials: []   # vault grant names
skills: []        # approved skill ids
spawning:
  allowed: false
lifetime:
  ttl: ${formatDuration(3600)}        # or "unlimited" (needs an operator approval)
  onExpiry: terminate
governance:
  critical: ["*"]   # actions that wait for operator approval; "*" = all
`;
}

// The one table of operator commands, sorted by name. Each entry loads its
// module on demand (see command.ts).

import type { CommandEntry } from './command.ts';

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'agent', summary: 'start, list, inspect, suspend, resume, stop agents; read their logs', load: async () => (await import('./agent.ts')).command },
  { name: 'agent-loop', summary: '(inside a sandbox) the built-in agent loop the system runs for `octant run`', load: async () => (await import('./agent-loop.ts')).command },
  { name: 'approvals', summary: 'list, show, approve or deny pending approvals of critical actions', load: async () => (await import('./approvals.ts')).command },
  { name: 'boot', summary: 'start the system in the foreground (services, admin socket)', load: async () => (await import('./boot.ts')).command },
  { name: 'doctor', summary: 'check the kernel features OctantOS needs: namespaces, seccomp, cgroups, bubblewrap', load: async () => (await import('./doctor.ts')).command },
  { name: 'egress-bridge', summary: '(inside a sandbox) offer the egress proxy socket as an HTTP proxy on loopback', load: async () => (await import('./egress-bridge.ts')).command },
  { name: 'identity', summary: "show the machine's key fingerprint, machine-id, hostname and creation time", load: async () => (await import('./identity.ts')).command },
  { name: 'image', summary: 'build the bootable OS image: verified squashfs root, initramfs, kernel, data disk', load: async () => (await import('./image.ts')).command },
  { name: 'init', summary: 'run as PID 1: mount, reap orphans, boot the services, stop them on SIGTERM', load: async () => (await import('./init.ts')).command },
  { name: 'install', summary: 'copy this executable onto PATH (PREFIX/bin/octant); optionally a systemd unit', load: async () => (await import('./install.ts')).command },
  { name: 'install-links', summary: 'create a link per built-in utility in a directory', load: async () => (await import('./install-links.ts')).command },
  { name: 'keys', summary: 'generate, add, list and revoke trusted operator signing keys', load: async () => (await import('./keys.ts')).command },
  { name: 'ledger', summary: 'query, verify, prove, checkpoint, export and witness the action ledger', load: async () => (await import('./ledger.ts')).command },
  { name: 'manifest', summary: 'scaffold, validate, sign, verify, explain, diff and intersect capability manifests', load: async () => (await import('./manifest.ts')).command },
  { name: 'router', summary: 'manage LLM deployments and routes; explain routing decisions; serve a gateway', load: async () => (await import('./router.ts')).command },
  { name: 'run', summary: 'run an agent on a task (or wrap a program) in its sandbox and wait for it', load: async () => (await import('./run.ts')).command },
  { name: 'status', summary: 'show the running system: services, states, health, ready times', load: async () => (await import('./status.ts')).command },
  { name: 'stop', summary: 'stop the running system gracefully and wait until it is down', load: async () => (await import('./stop.ts')).command },
  { name: 'up', summary: 'boot the system, run the example agent, and show how to use it (npm start)', load: async () => (await import('./up.ts')).command },
  { name: 'vault', summary: 'encrypted secrets: init, unseal, seal, put, rotate, grant to agents, list', load: async () => (await import('./vault.ts')).command },
  { name: 'version', summary: 'print the version, git commit and build hash', load: async () => (await import('./version.ts')).command },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

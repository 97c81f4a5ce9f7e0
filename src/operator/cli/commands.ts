// The one table of operator commands, sorted by name. Each entry loads its
// module on demand; everything else about a command (summary, subcommands,
// options, usage) is declared in its module (see command.ts).

import { closest } from '../../lib/closest.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { UTILITIES } from '../../utils/index.ts';
import type { Command, CommandEntry } from './command.ts';

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'agent', load: async () => (await import('./agent.ts')).command },
  { name: 'agent-loop', load: async () => (await import('./agent-loop.ts')).command },
  { name: 'approvals', load: async () => (await import('./approvals.ts')).command },
  { name: 'boot', load: async () => (await import('./boot.ts')).command },
  { name: 'completion', load: async () => (await import('./completion.ts')).command },
  { name: 'doctor', load: async () => (await import('./doctor.ts')).command },
  { name: 'egress-bridge', load: async () => (await import('./egress-bridge.ts')).command },
  { name: 'help', load: async () => (await import('./help.ts')).command },
  { name: 'identity', load: async () => (await import('./identity.ts')).command },
  { name: 'image', load: async () => (await import('./image.ts')).command },
  { name: 'init', load: async () => (await import('./init.ts')).command },
  { name: 'install', load: async () => (await import('./install.ts')).command },
  { name: 'install-links', load: async () => (await import('./install-links.ts')).command },
  { name: 'keys', load: async () => (await import('./keys.ts')).command },
  { name: 'ledger', load: async () => (await import('./ledger.ts')).command },
  { name: 'manifest', load: async () => (await import('./manifest.ts')).command },
  { name: 'memory', load: async () => (await import('./memory.ts')).command },
  { name: 'quorum', load: async () => (await import('./quorum.ts')).command },
  { name: 'router', load: async () => (await import('./router.ts')).command },
  { name: 'run', load: async () => (await import('./run.ts')).command },
  { name: 'search', load: async () => (await import('./search.ts')).command },
  { name: 'setup', load: async () => (await import('./setup.ts')).command },
  { name: 'status', load: async () => (await import('./status.ts')).command },
  { name: 'stop', load: async () => (await import('./stop.ts')).command },
  { name: 'up', load: async () => (await import('./up.ts')).command },
  { name: 'update', load: async () => (await import('./update.ts')).command },
  { name: 'vault', load: async () => (await import('./vault.ts')).command },
  { name: 'verify-self', load: async () => (await import('./verify-self.ts')).command },
  { name: 'version', load: async () => (await import('./version.ts')).command },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Every command's declaration (for the top-level list, completions and man pages). */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map((c) => c.load()));
}

/** `name` is neither a command nor a utility: the error, with the nearest names. */
export function unknownCommand(name: string): OctantError {
  const near = closest(name, [...COMMANDS.map((c) => c.name), ...UTILITIES.map((u) => u.name)]);
  return new OctantError('E_UNKNOWN_COMMAND', `octant: '${name}' is not a command or utility`, {
    exit: EXIT.usage,
    hint: near.length > 0 ? `did you mean: ${near.join(', ')}?` : "run 'octant help' for the list",
  });
}

// The one table of operator commands, sorted by name. Each entry loads its
// module on demand (see command.ts).

import type { CommandEntry } from './command.ts';

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'install-links', summary: 'create a link per built-in utility in a directory', load: async () => (await import('./install-links.ts')).command },
  { name: 'version', summary: 'print the version, git commit and build hash', load: async () => (await import('./version.ts')).command },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

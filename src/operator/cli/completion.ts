// octant completion bash|zsh|fish: print a completion script made from the
// command table (completion-scripts.ts), to be sourced by the shell.

import { requirePositional } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { UTILITIES } from '../../utils/index.ts';
import type { Action } from './command.ts';
import { loadCommands } from './commands.ts';
import { SHELLS, completionScript } from './completion-scripts.ts';

export const command: Action = {
  name: 'completion',
  summary: 'print a shell completion script for bash, zsh or fish',
  synopsis: ['bash|zsh|fish'],
  options: {},
  choices: SHELLS,
  notes: [
    'bash:  source <(octant completion bash)      (or save it in /etc/bash_completion.d/octant)',
    'zsh:   source <(octant completion zsh)       (after compinit; or save it as _octant on $fpath)',
    'fish:  octant completion fish | source       (or save it in ~/.config/fish/completions/octant.fish)',
  ].join('\n'),
  async run(parsed, { io }) {
    const shell = requirePositional(parsed, 0, 'the shell (bash, zsh or fish)', 'completion');
    const known = SHELLS.find((s) => s === shell);
    if (known === undefined || parsed.positionals.length > 1) throw usageError(`completion: expects one of ${SHELLS.join(', ')}, got '${parsed.positionals.join(' ')}'`);
    io.stdout.write(completionScript(known, await loadCommands(), UTILITIES.map((u) => u.name)));
    return 0;
  },
};

// octant help [--man] [COMMAND [SUBCOMMAND]] | exit-codes: the list of
// commands, a command's usage, a man page, the exit-code table, all made
// from the declarations (command.ts) and lib/errors.ts EXIT; nothing here is
// written twice.

import { writeLine } from '../../lib/io.ts';
import { usageError } from '../../lib/errors.ts';
import { UTILITIES, findUtility } from '../../utils/index.ts';
import { isGroup, type Action, type Command } from './command.ts';
import { findCommand, loadCommands, unknownCommand } from './commands.ts';
import { pickSubcommand } from './subcommand.ts';
import { commandPage, overviewPage } from './man-page.ts';
import { exitCodeRows, twoColumns, usageAt } from './usage.ts';

export async function topLevelHelp(): Promise<string> {
  const commands = await loadCommands();
  return [
    'usage: octant [--root DIR] <command> [args...]',
    '       octant <utility> [args...]   (or a link named after the utility)',
    '',
    'commands:',
    ...twoColumns(commands.map((c) => [c.name, c.summary])),
    '',
    `utilities: ${UTILITIES.map((u) => u.name).join(' ')}`,
    '',
    'global options (before the command):',
    '  --root DIR  the state root (default: $OCTANT_ROOT, /etc/octant + /var/lib/octant on a system, else ~/.octant)',
    '',
    "'octant <command> --help' or 'octant help <command> [subcommand]' shows a command's usage;",
    "'octant help exit-codes' the exit codes; 'octant completion bash|zsh|fish' shell completions.",
  ].join('\n');
}

async function load(name: string): Promise<Command> {
  const entry = findCommand(name);
  if (entry === undefined) throw unknownCommand(name);
  return entry.load();
}

export const command: Action = {
  name: 'help',
  summary: "the list of commands, a command's usage or man page, the exit codes",
  synopsis: ['[COMMAND [SUBCOMMAND...]]', '--man [COMMAND]', 'exit-codes'],
  options: { man: { type: 'boolean', help: 'print a man page (roff; read it with: man -l -)' } },
  async run(parsed, { io }) {
    const [name, ...subs] = parsed.positionals;
    if (parsed.values.man === true) {
      io.stdout.write(name === undefined ? overviewPage(await loadCommands()) : commandPage(await load(name)));
      return 0;
    }
    if (name === undefined) writeLine(io.stdout, await topLevelHelp());
    else if (name === 'exit-codes') writeLine(io.stdout, ['exit codes of every octant command:', ...twoColumns(exitCodeRows())].join('\n'));
    else if (findCommand(name) === undefined && findUtility(name) !== undefined) writeLine(io.stdout, findUtility(name)!.usage);
    else {
      // Each word must name a subcommand of the one before (the same errors as running it).
      let node = await load(name);
      let path = name;
      for (const word of subs) {
        if (!isGroup(node)) throw usageError(`help: '${path}' has no subcommands`, `see 'octant help ${path}'`);
        node = pickSubcommand(node, word, path);
        path = `${path} ${word}`;
      }
      writeLine(io.stdout, usageAt(path, node));
    }
    return 0;
  },
};

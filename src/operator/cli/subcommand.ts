// Picking a group's subcommand (`octant ledger verify`): one lookup for every
// group, by the declared names only, and one error for a missing or unknown
// one (the latter with the nearest names, lib/closest.ts).

import { closest } from '../../lib/closest.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import type { Command, Group } from './command.ts';

/** `path` is the group's words as typed (`quorum panel`), for the messages. */
export function pickSubcommand(group: Group, sub: string | undefined, path = group.name): Command {
  const names = group.subcommands.map((s) => s.name);
  if (sub === undefined) {
    throw usageError(`${path}: missing subcommand`, `subcommands: ${names.join(', ')}; see 'octant ${path} --help'`);
  }
  const found = group.subcommands.find((s) => s.name === sub);
  if (found !== undefined) return found;
  const near = closest(sub, names);
  throw new OctantError('E_UNKNOWN_COMMAND', `${path}: unknown subcommand '${sub}'`, {
    exit: EXIT.usage,
    hint: near.length > 0 ? `did you mean: ${near.join(', ')}?` : `subcommands: ${names.join(', ')}`,
  });
}

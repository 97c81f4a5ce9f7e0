// Picking a group's subcommand (`octant ledger verify`): one lookup for every
// group, by the declared names only, and one error for a missing or unknown
// one (the latter with the nearest names, lib/closest.ts).

import { closest } from '../../lib/closest.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import type { Action, Group } from './command.ts';

export function pickSubcommand(group: Group, sub: string | undefined): Action {
  const names = group.subcommands.map((s) => s.name);
  if (sub === undefined) {
    throw usageError(`${group.name}: missing subcommand`, `subcommands: ${names.join(', ')}; see 'octant ${group.name} --help'`);
  }
  const action = group.subcommands.find((s) => s.name === sub);
  if (action !== undefined) return action;
  const near = closest(sub, names);
  throw new OctantError('E_UNKNOWN_COMMAND', `${group.name}: unknown subcommand '${sub}'`, {
    exit: EXIT.usage,
    hint: near.length > 0 ? `did you mean: ${near.join(', ')}?` : `subcommands: ${names.join(', ')}`,
  });
}

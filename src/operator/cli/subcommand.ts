// Picking a command group's subcommand (`octant ledger verify`): one lookup
// for every group, own properties only (so `octant router toString` is an
// unknown subcommand, not Object.prototype's), and one usage error.

import { usageError } from '../../lib/errors.ts';

export function pickSubcommand<T>(group: string, sub: string | undefined, table: Readonly<Record<string, T>>): T {
  if (sub === undefined || !Object.hasOwn(table, sub)) {
    throw usageError(sub === undefined ? `${group}: missing subcommand` : `${group}: unknown subcommand ${JSON.stringify(sub)}`, `subcommands: ${Object.keys(table).join(', ')}`);
  }
  return table[sub];
}

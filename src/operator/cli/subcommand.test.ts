import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOctantError } from '../../lib/errors.ts';
import type { Action, Group } from './command.ts';
import { pickSubcommand } from './subcommand.ts';

const action = (name: string): Action => ({ name, summary: name, options: {}, run: async () => 0 });
const group: Group = { name: 'g', summary: 'a group', subcommands: [action('list'), action('show')] };

test('a known subcommand is found; missing, unknown and inherited names are usage errors', () => {
  assert.equal(pickSubcommand(group, 'show').name, 'show');
  assert.throws(() => pickSubcommand(group, undefined), (e) => isOctantError(e, 'E_USAGE') && e.exit === 2 && /missing subcommand/.test(e.message) && /list, show/.test(e.hint ?? ''));
  assert.throws(() => pickSubcommand(group, 'lst'), (e) => isOctantError(e, 'E_UNKNOWN_COMMAND') && e.exit === 2 && /unknown subcommand 'lst'/.test(e.message) && e.hint === 'did you mean: list?');
  assert.throws(() => pickSubcommand(group, 'toString'), (e) => isOctantError(e, 'E_UNKNOWN_COMMAND') && /unknown subcommand 'toString'/.test(e.message));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickSubcommand } from './subcommand.ts';

test('a known subcommand is found; missing, unknown and inherited names are usage errors', () => {
  const table = { list: 1, show: 2 };
  assert.equal(pickSubcommand('g', 'show', table), 2);
  assert.throws(() => pickSubcommand('g', undefined, table), (e: Error & { code?: string }) => e.code === 'E_USAGE' && /missing subcommand/.test(e.message));
  assert.throws(() => pickSubcommand('g', 'lst', table), /unknown subcommand "lst"/);
  assert.throws(() => pickSubcommand('g', 'toString', table), /unknown subcommand "toString"/);
});

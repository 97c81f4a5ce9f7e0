import { test } from 'node:test';
import assert from 'node:assert/strict';
import { echoUtility } from './echo.ts';
import { gnuTool, runGnu, runOurs } from '../../test/support/gnu.ts';

const gnu = gnuTool('echo');
const CASES: string[][] = [
  [],
  ['hello', 'world'],
  ['-n', 'no newline'],
  ['-e', 'tab\\there\\nline'],
  ['-E', 'kept\\n'],
  ['-neE', 'x\\n'],
  ['-en', 'x\\n'],
  ['-e', 'a\\x41b\\x4g\\xq|\\0101|\\01234|\\c never printed'],
  ['-e', 'a\\\\b\\qz\\'],
  ['-e', '\\a\\b\\e\\f\\r\\v'],
  ['--', '-n'],
  ['-nx', 'not an option'],
  ['-e'],
  ['-n'],
  ['  spaced  ', '', 'args'],
];

test('echo writes what GNU echo writes', { skip: gnu === undefined ? 'GNU coreutils echo not installed' : undefined }, async () => {
  for (const argv of CASES) {
    const ours = await runOurs(echoUtility, argv);
    const theirs = runGnu(gnu!, argv);
    assert.deepEqual(ours, theirs, `echo ${JSON.stringify(argv)}`);
  }
});

test('echo: -n drops the newline, -e interprets escapes, \\c stops the output', async () => {
  assert.equal((await runOurs(echoUtility, ['-n', 'a', 'b'])).stdout, 'a b');
  assert.equal((await runOurs(echoUtility, ['a\\tb'])).stdout, 'a\\tb\n');
  assert.equal((await runOurs(echoUtility, ['-e', 'a\\tb'])).stdout, 'a\tb\n');
  assert.equal((await runOurs(echoUtility, ['-e', 'x\\cy', 'z'])).stdout, 'x');
  assert.equal((await runOurs(echoUtility, ['-e', '\\0101\\x42'])).stdout, 'AB\n');
  // Exit 0 always, even with arguments that look like options.
  assert.equal((await runOurs(echoUtility, ['--bogus'])).status, 0);
  assert.equal((await runOurs(echoUtility, ['--bogus'])).stdout, '--bogus\n');
});

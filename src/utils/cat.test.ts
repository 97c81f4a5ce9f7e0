import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catUtility } from './cat.ts';
import { assertFailsLikeGnu, gnuTool, runGnu, runOurs } from '../../test/support/gnu.ts';

const gnu = gnuTool('cat');
const skip = gnu === undefined ? 'GNU coreutils cat not installed' : undefined;

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'octant-cat-'));
  writeFileSync(join(dir, 'a'), 'first\n');
  writeFileSync(join(dir, 'b'), 'second, no newline');
  writeFileSync(join(dir, 'big'), Buffer.alloc(300_000, 'z'));
  mkdirSync(join(dir, 'sub'));
  return dir;
}

test('cat: files, standard input and bad operands, as GNU cat', { skip }, async () => {
  const dir = fixture();
  try {
    const cases: Array<[string[], string?]> = [
      [['a', 'b']],
      [['b', 'a', 'a']],
      [['big']],
      [[], 'from stdin\n'],
      [['-'], 'dash is stdin\n'],
      [['a', '-', 'b'], 'middle\n'],
      [['-u', 'a']],
      [['--', 'a']],
    ];
    for (const [argv, stdin] of cases) {
      assert.deepEqual(await runOurs(catUtility, argv, { cwd: dir, stdin }), runGnu(gnu!, argv, { cwd: dir, stdin }), `cat ${argv.join(' ')}`);
    }
    // Failures: same output and status; the message names the operand.
    for (const argv of [['missing'], ['a', 'missing', 'b'], ['sub'], ['-x', 'a'], ['--bogus']]) {
      assert.equal((await assertFailsLikeGnu(catUtility, gnu!, argv, { cwd: dir })).status, 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cat: a missing file exits 1 and still prints the others', async () => {
  const dir = fixture();
  try {
    const out = await runOurs(catUtility, ['a', 'missing', 'b'], { cwd: dir });
    assert.equal(out.status, 1);
    assert.equal(out.stdout, 'first\nsecond, no newline');
    assert.equal(out.stderr, 'cat: missing: No such file or directory\n');
    const ok = await runOurs(catUtility, ['a'], { cwd: dir });
    assert.deepEqual(ok, { status: 0, stdout: 'first\n', stderr: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

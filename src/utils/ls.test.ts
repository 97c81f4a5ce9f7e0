import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lsUtility } from './ls.ts';
import { assertFailsLikeGnu, gnuTool, runGnu, runOurs } from '../../test/support/gnu.ts';

const gnu = gnuTool('ls');
const skip = gnu === undefined ? 'GNU coreutils ls not installed' : undefined;

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'octant-ls-'));
  for (const name of ['b', 'a', 'B', '_under', '10', '9', '.hidden', 'Zed']) writeFileSync(join(dir, name), name);
  mkdirSync(join(dir, 'd1'));
  writeFileSync(join(dir, 'd1', 'inner'), '');
  writeFileSync(join(dir, 'd1', '.dot'), '');
  mkdirSync(join(dir, 'empty'));
  symlinkSync('a', join(dir, 'link'));
  return dir;
}

test('ls lists and sorts as GNU ls does (LC_ALL=C, one per line)', { skip }, async () => {
  const dir = fixture();
  try {
    const cases = [[], ['-1'], ['-a'], ['-a1'], ['--all'], ['d1'], ['-a', 'd1'], ['d1', 'a', 'empty', 'b'], ['empty'], ['a'], ['--', 'd1']];
    for (const argv of cases) {
      // GNU ls writes one name per line when its output is not a terminal, as ours always does.
      assert.deepEqual(await runOurs(lsUtility, argv, { cwd: dir }), runGnu(gnu!, argv, { cwd: dir }), `ls ${argv.join(' ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ls: a missing path exits 2 after listing the rest; an unknown option exits 2', { skip }, async () => {
  const dir = fixture();
  try {
    for (const argv of [['nope'], ['a', 'nope', 'd1'], ['-j'], ['-al', '-y'], ['--bogus']]) {
      assert.equal((await assertFailsLikeGnu(lsUtility, gnu!, argv, { cwd: dir })).status, 2);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ls -l: mode string, link count, size and name per entry; -a adds . and ..', async () => {
  const dir = fixture();
  try {
    chmodSync(join(dir, 'a'), 0o640);
    const out = await runOurs(lsUtility, ['-l'], { cwd: dir });
    assert.equal(out.status, 0);
    const lines = out.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 10);
    const a = lines.find((l) => l.endsWith(' a'))!;
    assert.match(a, /^-rw-r----- +1 +\d+ +\d+ +1 \d{4}-\d\d-\d\d \d\d:\d\d a$/);
    assert.match(lines.find((l) => l.endsWith(' d1'))!, /^drwx/);
    assert.match(lines.find((l) => l.endsWith(' link'))!, /^l/);
    assert.ok(!lines.some((l) => l.endsWith('.hidden')));
    const all = (await runOurs(lsUtility, ['-la'], { cwd: dir })).stdout.trimEnd().split('\n').map((l) => l.split(' ').at(-1));
    assert.deepEqual(all.slice(0, 3), ['.', '..', '.hidden']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

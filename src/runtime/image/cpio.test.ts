import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeCpio, type CpioEntry } from './cpio.ts';

/** The entries of a newc archive as [name, mode, size, mtime, rdevmajor, rdevminor], read back by the format's rules. */
function readCpio(archive: Buffer): [string, number, number, number, number, number][] {
  const out: [string, number, number, number, number, number][] = [];
  let at = 0;
  for (;;) {
    assert.equal(archive.toString('latin1', at, at + 6), '070701');
    const field = (i: number) => parseInt(archive.toString('latin1', at + 6 + i * 8, at + 14 + i * 8), 16);
    const [mode, mtime, size, rmaj, rmin, namesize] = [field(1), field(5), field(6), field(9), field(10), field(11)];
    assert.equal(field(2), 0, 'uid 0');
    const name = archive.toString('latin1', at + 110, at + 110 + namesize - 1);
    at += Math.ceil((110 + namesize) / 4) * 4;
    at += Math.ceil(size / 4) * 4;
    if (name === 'TRAILER!!!') break;
    out.push([name, mode, size, mtime, rmaj, rmin]);
  }
  assert.equal(at, archive.length, 'nothing after the trailer');
  return out;
}

const ENTRIES: CpioEntry[] = [
  { path: 'init', kind: 'file', mode: 0o755, data: Buffer.from('abcde') },
  { path: 'dev/console', kind: 'char', mode: 0o600, major: 5, minor: 1 },
  { path: 'dev', kind: 'dir', mode: 0o755 },
];

test('newc archive: sorted, fixed times and owners, padded to 4 bytes, the same bytes every time', () => {
  const archive = writeCpio(ENTRIES, 1_700_000_000);
  assert.deepEqual(readCpio(archive), [
    ['dev', 0o040755, 0, 1_700_000_000, 0, 0],
    ['dev/console', 0o020600, 0, 1_700_000_000, 5, 1],
    ['init', 0o100755, 5, 1_700_000_000, 0, 0],
  ]);
  assert.ok(writeCpio([...ENTRIES].reverse(), 1_700_000_000).equals(archive), 'order of the input does not matter');
  assert.ok(!writeCpio(ENTRIES, 1).equals(archive), 'the epoch is in the bytes');
});

test('newc archive: a path that could leave the archive root is refused', () => {
  for (const path of ['/init', '../init', 'a/../../b', '']) {
    assert.throws(() => writeCpio([{ path, kind: 'dir', mode: 0o755 }], 0), /bad path/, path);
  }
});

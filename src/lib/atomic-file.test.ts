import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { copyFileAtomic, writeFileAtomic, writeFileAtomicAsync } from './atomic-file.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (path: string): number => statSync(path).mode & 0o7777;

/** Two contents large enough that a write takes several system calls. */
const OLD = 'a'.repeat(4 << 20);
const NEW = 'b'.repeat(3 << 20);

// A child process writes OLD and NEW alternately under umask 0 until it is killed with SIGKILL.
const loop = (writer: 'writeFileAtomic' | 'writeFileAtomicAsync'): string => `
import { ${writer} as write } from ${JSON.stringify(new URL('./atomic-file.ts', import.meta.url).pathname)};
process.umask(0);
const [file, a, b] = [process.argv[1], 'a'.repeat(4 << 20), 'b'.repeat(3 << 20)];
for (let i = 0; ; i++) {
  await write(file, i % 2 === 0 ? a : b);
  if (i === 0) process.stdout.write('ready\\n');
}
`;

for (const writer of ['writeFileAtomic', 'writeFileAtomicAsync'] as const) test(`${writer}: kill -9 during a write loop leaves the old or the new file, never a partial one; leftovers are 0600 from creation`, async () => {
  const LOOP = loop(writer);
  for (let round = 0; round < 6; round++) {
    const dir = join(root, `${writer}-kill-${round}`);
    const file = join(dir, 'state.json');
    const child = spawn(process.execPath, ['--input-type=module', '-e', LOOP, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [first] = await once(child.stdout, 'data');
    assert.equal(String(first), 'ready\n');
    // Kill at a different point of the loop each round.
    await new Promise((r) => setTimeout(r, 5 + round * 17));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const content = readFileSync(file, 'utf8');
    assert.ok(content === OLD || content === NEW, `round ${round}: a partial file of ${content.length} bytes`);
    assert.equal(modeOf(file), 0o600);
    // A temp file the kill interrupted was created 0600 even under umask 0: never readable by others.
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.tmp'))) assert.equal(modeOf(join(dir, name)), 0o600, name);
  }
});

test('the mode is exact whatever the umask: 0600 by default, 0644 or 0555 when asked', () => {
  const before = process.umask(0o077);
  try {
    writeFileAtomic(join(root, 'public.yaml'), 'x: 1\n', { mode: 0o644 });
    writeFileAtomic(join(root, 'helper'), Buffer.from([0x7f, 0x45]), { mode: 0o555 });
  } finally {
    process.umask(before);
  }
  process.umask(0);
  try {
    writeFileAtomic(join(root, 'secret.key'), 'k');
  } finally {
    process.umask(before);
  }
  assert.equal(modeOf(join(root, 'public.yaml')), 0o644);
  assert.equal(modeOf(join(root, 'helper')), 0o555);
  assert.equal(modeOf(join(root, 'secret.key')), 0o600);
  assert.deepEqual(readFileSync(join(root, 'helper')), Buffer.from([0x7f, 0x45]));
});

test('replacing a wider file gives the new file the asked mode (a new inode, not the old one chmodded)', () => {
  const file = join(root, 'was-public');
  writeFileSync(file, 'old', { mode: 0o644 });
  const oldIno = statSync(file).ino;
  writeFileAtomic(file, 'new');
  assert.equal(readFileSync(file, 'utf8'), 'new');
  assert.equal(modeOf(file), 0o600);
  assert.notEqual(statSync(file).ino, oldIno);
});

test('exclusive refuses an existing file and leaves it untouched; its twin creates a new one', () => {
  const file = join(root, 'operator.key');
  writeFileAtomic(file, 'first', { exclusive: true });
  assert.throws(() => writeFileAtomic(file, 'second', { exclusive: true }), (e: NodeJS.ErrnoException) => e.code === 'EEXIST');
  assert.equal(readFileSync(file, 'utf8'), 'first');
  assert.deepEqual(readdirSync(root).filter((n) => n.endsWith('.tmp')), [], 'no temp file left behind');
});

test('copyFileAtomic copies every byte with the asked mode', () => {
  const source = join(root, 'source.bin');
  const bytes = Buffer.alloc((3 << 20) + 123, 7);
  writeFileSync(source, bytes);
  copyFileAtomic(source, join(root, 'bin', 'octant'), { mode: 0o755 });
  assert.deepEqual(readFileSync(join(root, 'bin', 'octant')), bytes);
  assert.equal(modeOf(join(root, 'bin', 'octant')), 0o755);
});

test('writeFileAtomicAsync: the exact mode whatever the umask, and exclusive refuses an existing file', async () => {
  const before = process.umask(0o077);
  try {
    await writeFileAtomicAsync(join(root, 'async.yaml'), 'x: 1\n', { mode: 0o644 });
  } finally {
    process.umask(before);
  }
  assert.equal(modeOf(join(root, 'async.yaml')), 0o644);
  await writeFileAtomicAsync(join(root, 'async.key'), 'first', { exclusive: true });
  await assert.rejects(writeFileAtomicAsync(join(root, 'async.key'), 'second', { exclusive: true }), (e: NodeJS.ErrnoException) => e.code === 'EEXIST');
  assert.equal(readFileSync(join(root, 'async.key'), 'utf8'), 'first');
  assert.equal(modeOf(join(root, 'async.key')), 0o600);
});

// Reading what an agent retained: everything in retained/ was written by the
// agent, so each thing it could plant to redirect the operator's read is
// tried here (a final or middle symlink, `..`, a hard link, a FIFO, a link
// waiting at the copy's destination) beside the twin that works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../lib/errors.ts';
import { checkRelative, copyRetained, listRetained, readRetained } from './retained-files.ts';

function setup(): { root: string; retained: string; secret: string } {
  const root = mkdtempSync(join(tmpdir(), 'octant-retained-'));
  const retained = join(root, 'retained');
  const secret = join(root, 'secret');
  writeFileSync(secret, 'host secret\n');
  mkdirSync(join(retained, 'out', 'sub'), { recursive: true });
  writeFileSync(join(retained, 'out', 'a.txt'), 'agent text\n');
  writeFileSync(join(retained, 'out', 'sub', 'b.txt'), 'deeper\n');
  symlinkSync(secret, join(retained, 'out', 'link'));
  symlinkSync(root, join(retained, 'out', 'dirlink'));
  return { root, retained, secret };
}

const read = (retained: string, rel: string): string => {
  const chunks: Buffer[] = [];
  readRetained(retained, rel, (c) => chunks.push(Buffer.from(c)));
  return Buffer.concat(chunks).toString('utf8');
};

test('retained files: a plain file reads; a symlink, final or in the middle, and .. are refused', () => {
  const { root, retained } = setup();
  try {
    assert.equal(read(retained, 'out/a.txt'), 'agent text\n');
    assert.equal(read(retained, 'out/sub/b.txt'), 'deeper\n');
    assert.throws(() => read(retained, 'out/link'), (e) => isOctantError(e, 'E_FS_SYMLINK'));
    assert.throws(() => read(retained, 'out/dirlink/secret'), (e) => isOctantError(e, 'E_FS_SYMLINK'));
    assert.throws(() => checkRelative('out/../../secret'), (e) => isOctantError(e, 'E_AGENT_FILES_PATH'));
    assert.throws(() => checkRelative('/etc/passwd'), (e) => isOctantError(e, 'E_AGENT_FILES_PATH'));
    assert.equal(checkRelative('out/a.txt'), 'out/a.txt');
    // The listing shows the links as links and does not enter them.
    const listed = listRetained(retained);
    assert.deepEqual(listed.map((e) => `${e.type} ${e.path}`), ['dir out', 'file out/a.txt', 'symlink out/dirlink', 'symlink out/link', 'dir out/sub', 'file out/sub/b.txt']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('retained files: a hard link and a FIFO are refused without blocking; a single-link file is the twin', () => {
  const { root, retained, secret } = setup();
  try {
    linkSync(secret, join(retained, 'out', 'hard'));
    assert.throws(() => read(retained, 'out/hard'), (e) => isOctantError(e, 'E_AGENT_FILES_LINKED'));
    execFileSync('mkfifo', [join(retained, 'out', 'fifo')]);
    assert.throws(() => read(retained, 'out/fifo'), (e) => isOctantError(e, 'E_AGENT_FILES_TYPE'));
    assert.equal(read(retained, 'out/a.txt'), 'agent text\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('retained files: a copy makes new files only, skips links, and never writes through a link at the destination', () => {
  const { root, retained, secret } = setup();
  try {
    const out = join(root, 'got');
    const make = (d: string) => mkdirSync(d, { recursive: true });
    const result = copyRetained(retained, 'out', out, make);
    assert.deepEqual(result.copied.map((f) => f.slice(out.length)), ['/out/a.txt', '/out/sub/b.txt']);
    assert.deepEqual(result.skipped.map((s) => s.path), ['out/dirlink', 'out/link']);
    assert.equal(readFileSync(join(out, 'out', 'a.txt'), 'utf8'), 'agent text\n');
    assert.ok(!existsSync(join(out, 'out', 'link')));
    // Copying again: the file exists, it is not overwritten.
    assert.throws(() => copyRetained(retained, 'out/a.txt', join(out, 'out'), make), /EEXIST/);
    // A link waiting where the copy would go is not followed (the secret stays as it was).
    const trap = join(root, 'trap');
    make(trap);
    symlinkSync(secret, join(trap, 'a.txt'));
    assert.throws(() => copyRetained(retained, 'out/a.txt', trap, make), /EEXIST/);
    assert.equal(readFileSync(secret, 'utf8'), 'host secret\n');
    assert.ok(lstatSync(join(trap, 'a.txt')).isSymbolicLink());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

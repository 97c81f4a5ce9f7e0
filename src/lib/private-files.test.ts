import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateDir, openPrivate } from './private-files.ts';

// This file's own process: umask 0 means only the explicit modes protect anything.
process.umask(0);
const mode = (path: string): number => statSync(path).mode & 0o777;

test('under umask 0, new and pre-existing (0755 / 0644) dirs and files come out 0700 / 0600; parents are left alone', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-private-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  chmodSync(root, 0o755);
  makePrivateDir(join(root, 'a', 'b'));
  assert.equal(mode(join(root, 'a', 'b')), 0o700);
  assert.equal(mode(root), 0o755);
  mkdirSync(join(root, 'old'), { mode: 0o755 });
  makePrivateDir(join(root, 'old'));
  assert.equal(mode(join(root, 'old')), 0o700);
  closeSync(openPrivate(join(root, 'new'), 'w'));
  assert.equal(mode(join(root, 'new')), 0o600);
  writeFileSync(join(root, 'log'), 'x', { mode: 0o644 });
  assert.equal(mode(join(root, 'log')), 0o644, 'the twin: the mode passed to open does not touch an existing file');
  closeSync(openPrivate(join(root, 'log'), 'a'));
  assert.equal(mode(join(root, 'log')), 0o600);
  writeFileSync(join(root, 'file'), '');
  assert.throws(() => makePrivateDir(join(root, 'file')), /EEXIST|not a directory/);
});

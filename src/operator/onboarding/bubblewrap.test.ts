// Getting bubblewrap when it is missing. The machine's own bwrap is never
// removed here (other suites need it): a path that does not exist stands for
// the missing one, and the command runner is the parameter production
// passes apt-get through; it records what would run and, for the install,
// creates the executable as the package would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../../lib/memory-io.ts';
import { ensureBubblewrap, INSTALL } from './bubblewrap.ts';

function setup(): { dir: string; bwrap: string; ran: string[][]; install: (argv: string[]) => number } {
  const dir = mkdtempSync(join(tmpdir(), 'octant-bwrap-'));
  const bwrap = join(dir, 'bwrap');
  const ran: string[][] = [];
  return {
    dir, bwrap, ran,
    install: (argv) => {
      ran.push(argv);
      if (argv[1] === 'install') {
        writeFileSync(bwrap, '#!/bin/sh\n');
        chmodSync(bwrap, 0o755);
      }
      return 0;
    },
  };
}

test('present: nothing is run', async () => {
  const s = setup();
  try {
    writeFileSync(s.bwrap, '');
    chmodSync(s.bwrap, 0o755);
    const io = memoryIo();
    assert.equal(await ensureBubblewrap({ io: io.io, bwrap: s.bwrap, root: true, aptGet: true, run: s.install }), 'present');
    assert.deepEqual(s.ran, []);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('root, missing: apt-get installs it, and the exact command is printed first', async () => {
  const s = setup();
  try {
    const io = memoryIo();
    assert.equal(await ensureBubblewrap({ io: io.io, bwrap: s.bwrap, root: true, aptGet: true, run: s.install }), 'installed');
    assert.deepEqual(s.ran, [INSTALL]);
    assert.match(io.stdout(), /^\$ apt-get install -y --no-install-recommends bubblewrap$/m);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('root, missing, a person at the terminal says no: nothing is installed, the command is shown', async () => {
  const s = setup();
  try {
    const io = memoryIo();
    assert.equal(await ensureBubblewrap({ io: io.io, bwrap: s.bwrap, root: true, aptGet: true, run: s.install, ask: async () => false }), 'missing');
    assert.deepEqual(s.ran, []);
    assert.match(io.stdout(), /to do it later: apt-get install -y --no-install-recommends bubblewrap/);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('not root, missing: nothing is run (no sudo on the operator\'s behalf); the exact command is shown once', async () => {
  const s = setup();
  try {
    const io = memoryIo();
    assert.equal(await ensureBubblewrap({ io: io.io, bwrap: s.bwrap, root: false, aptGet: true, run: s.install }), 'missing');
    assert.deepEqual(s.ran, []);
    assert.equal(io.stdout().match(/sudo apt-get install -y --no-install-recommends bubblewrap/g)?.length, 1);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('root, the first install fails (no package lists yet): apt-get update, then install again', async () => {
  const s = setup();
  try {
    const io = memoryIo();
    let first = true;
    const run = (argv: string[]): number => {
      if (first && argv[1] === 'install') {
        first = false;
        s.ran.push(argv);
        return 100;
      }
      return s.install(argv);
    };
    assert.equal(await ensureBubblewrap({ io: io.io, bwrap: s.bwrap, root: true, aptGet: true, run }), 'installed');
    assert.deepEqual(s.ran.map((a) => a[1]), ['install', 'update', 'install']);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

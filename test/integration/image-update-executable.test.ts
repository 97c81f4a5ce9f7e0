// `octant image sign` and `octant update` through dist/octant: the image's
// signature is checked with the machine's trusted operator keys BEFORE
// anything is written to the system disk. Refused (each recorded in the
// ledger, nothing written): unsigned, signed by a key the machine does not
// trust, a file of the set changed after signing. The working twin installs
// into slot a with its steps in the ledger. The image set here is a small
// stand-in (what install and verification read); booting a real one is the
// guest suite's job (test/integration/guest).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT } from '../support/dist-octant.ts';

const skip = existsSync(OCTANT) ? false : 'dist/octant is not built (npm test builds it)';

test('octant update refuses unsigned, untrusted and altered images before writing, and installs a trusted one', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-update-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'machine');
  const octant = (...args: string[]) => spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 60_000 });
  const image = join(dir, 'image');
  mkdirSync(image);
  writeFileSync(join(image, 'root.img'), Buffer.alloc(16384, 7));
  writeFileSync(join(image, 'initramfs.img'), 'initramfs');
  writeFileSync(join(image, 'vmlinuz'), 'kernel');
  writeFileSync(join(image, 'image.json'), JSON.stringify({ kernel: '6.1.0-1-amd64', rootHash: 'ab'.repeat(32), salt: 'cd'.repeat(32), dataBlocks: 4, hashStartBlock: 4, rootImageBytes: 16384 }));
  const disk = join(dir, 'system.img');

  // Unsigned: refused, nothing created.
  let r = octant('update', image, '--disk', disk, '--slot-size', '1');
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stderr, /E_IMAGE_SIGNATURE[\s\S]*not signed/);
  assert.equal(existsSync(disk), false, 'nothing written');

  // Signed by a key this machine does not trust: refused.
  assert.equal(octant('keys', 'generate', '--name', 'stranger', '--no-trust').status, 0);
  assert.equal(octant('keys', 'generate', '--name', 'ops').status, 0);
  r = octant('image', 'sign', image, '--key', join(root, 'etc', 'keys', 'private', 'stranger.key'));
  assert.equal(r.status, 0, r.stderr);
  r = octant('update', image, '--disk', disk, '--slot-size', '1');
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stderr, /not in the trusted key set/);
  assert.equal(existsSync(disk), false);

  // Signed by the trusted key, then root.img changed: refused.
  assert.equal(octant('image', 'sign', image, '--key', join(root, 'etc', 'keys', 'private', 'ops.key')).status, 0);
  appendFileSync(join(image, 'root.img'), Buffer.alloc(1));
  r = octant('update', image, '--disk', disk, '--slot-size', '1');
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stderr, /does not verify[\s\S]*changed after signing/);
  assert.equal(existsSync(disk), false);

  // The twin: the same image as signed is verified and installed into slot a.
  writeFileSync(join(image, 'root.img'), Buffer.alloc(16384, 7));
  r = octant('update', image, '--disk', disk, '--slot-size', '1', '--tries', '2');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /verified: signed by trusted key [0-9a-f]{16}/);
  assert.match(r.stdout, /slot a <- root hash (ab){32}/);

  // Every step in the ledger: three refusals, then verify, install, installed.
  const ledger = octant('ledger', 'show', '--kind', 'image', '--json');
  assert.equal(ledger.status, 0, ledger.stderr);
  const entries = ledger.stdout.trim().split('\n').map((l) => JSON.parse(l) as { action: string; decision: string; detail: Record<string, unknown> });
  assert.deepEqual(entries.map((e) => `${e.action}:${e.decision}`), ['update.verify:deny', 'update.verify:deny', 'update.verify:deny', 'update.verify:allow', 'install:allow', 'installed:ok']);
  assert.equal(entries.at(-1)?.detail.slot, 'a');
});

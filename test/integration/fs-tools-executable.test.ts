// The file tools inside the shipped executable: openat2 and the credential
// calls go through node:ffi, which a single executable application must
// still reach. `dist/octant up --once` runs the example agent, whose script
// lists, reads and writes through the gateway; its story shows each done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');
const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap']).stdout.toString().trim() !== '';
const skip = !existsSync(built) ? `${built} is missing (run: node scripts/build.ts)` : process.getuid?.() !== 0 ? 'needs root (sandboxes and cgroups)' : !hasBwrap ? 'bwrap is not installed' : false;
if (skip) console.log(`# skipping the file tools in the executable: ${skip}`);

test('dist/octant performs the example agent\'s fs.list, fs.read and fs.write beneath their roots', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-fs-sea-'));
  try {
    const run = spawnSync(built, ['--root', root, 'up', '--once'], { encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: root } });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    for (const done of [/ok +fs\.list\.done .*\/data$/m, /ok +fs\.read\.done .*\/report\.txt$/m, /ok +fs\.write\.done .*\/scratch\/summary\.txt$/m]) assert.match(run.stdout, done);
    assert.doesNotMatch(run.stdout, /E_LIBC_UNAVAILABLE|E_FS_/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// The executable's startup snapshot must not make builds differ or starts
// alike: two builds of one checkout, written to different directories, are
// byte-identical (fixed V8 seeds, private pid and mount namespaces: see
// scripts/build.ts), and two starts of one executable still draw different
// keys (nothing random is frozen into the snapshot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExecutable } from '../../scripts/build.ts';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');

function buildSkip(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for the build namespaces (CI runs as root)';
  if (spawnSync('unshare', ['--pid', '--fork', '--mount', 'true']).status !== 0) return 'unshare (util-linux) cannot create pid and mount namespaces here';
  return undefined;
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

test('two builds in different directories are byte-identical', { skip: buildSkip(), timeout: 180_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-repro-'));
  try {
    mkdirSync(join(work, 'a'));
    mkdirSync(join(work, 'b', 'deeper', 'path'), { recursive: true });
    const first = await buildExecutable({ output: join(work, 'a', 'octant') });
    const second = await buildExecutable({ output: join(work, 'b', 'deeper', 'path', 'octant') });
    assert.equal(sha256(first), sha256(second));
    // And it is a working executable, not an empty file twice.
    const version = spawnSync(second, ['--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^octant \d+\.\d+\.\d+\n/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('two starts of one executable generate different machine keys', { skip: existsSync(built) ? undefined : `${built} is missing (run: node scripts/build.ts)` }, () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-starts-'));
  try {
    const fingerprint = (root: string): string => {
      const out = spawnSync(built, ['--root', join(work, root), 'identity', '--json'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: work } });
      assert.equal(out.status, 0, out.stderr);
      return (JSON.parse(out.stdout) as { fingerprint: string }).fingerprint;
    };
    assert.notEqual(fingerprint('one'), fingerprint('two'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

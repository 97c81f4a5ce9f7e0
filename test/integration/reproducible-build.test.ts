// The executable's startup snapshot must not make builds differ or starts
// alike: two builds of one checkout, written to different directories, are
// byte-identical (fixed V8 seeds, private pid and mount namespaces: see
// scripts/build.ts), and two starts of one executable still draw different
// keys (nothing random is frozen into the snapshot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExecutable } from '../../scripts/build.ts';
import { readStamp } from '../../src/lib/self-stamp.ts';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');

function buildSkip(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for the build namespaces (CI runs as root)';
  if (spawnSync('unshare', ['--pid', '--fork', '--mount', 'true']).status !== 0) return 'unshare (util-linux) cannot create pid and mount namespaces here';
  return undefined;
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Where two files differ (for the failure message): sizes, differing bytes, the first offset, and each one's --version (its commit). */
function difference(a: string, b: string): string {
  const [x, y] = [readFileSync(a), readFileSync(b)];
  let first = -1;
  let count = 0;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    count++;
    if (first < 0) first = i;
  }
  const version = (f: string): string => spawnSync(f, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return `sizes ${x.length} / ${y.length}, ${count} bytes differ, the first at offset ${first}; --version: ${version(a)} / ${version(b)}`;
}

test('two builds in different directories are byte-identical', { skip: buildSkip(), timeout: 180_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-repro-'));
  try {
    mkdirSync(join(work, 'a'));
    mkdirSync(join(work, 'b', 'deeper', 'path'), { recursive: true });
    const first = await buildExecutable({ output: join(work, 'a', 'octant') });
    const second = await buildExecutable({ output: join(work, 'b', 'deeper', 'path', 'octant') });
    assert.equal(sha256(first), sha256(second), `the two builds differ: ${difference(first, second)}`);
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

test('a build over an executable that is running succeeds (no ETXTBSY); the running copy keeps working', { skip: buildSkip() ?? (existsSync(built) ? undefined : `${built} is missing (run: node scripts/build.ts)`), timeout: 180_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-rebuild-'));
  const output = join(work, 'octant');
  copyFileSync(built, output);
  // `octant cat` runs until its stdin closes: the executable file stays busy meanwhile.
  const running = spawn(output, ['cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    running.stdin.write('before\n');
    await new Promise((resolve) => running.stdout.once('data', resolve));
    await buildExecutable({ output });
    const version = spawnSync(output, ['--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(/sha256 (\S+)/.exec(version.stdout)?.[1], readStamp(output));
    assert.equal(spawnSync(output, ['verify-self']).status, 0);
    // The old process still runs its own (replaced) file.
    let echoed = '';
    running.stdout.setEncoding('utf8').on('data', (d: string) => { echoed += d; });
    const exited = new Promise<number | null>((resolve) => running.once('exit', resolve));
    running.stdin.end('after\n');
    assert.equal(await exited, 0);
    assert.equal(echoed, 'after\n');
    // Nothing staged is left beside it.
    assert.deepEqual(readdirSync(work).sort(), ['octant', 'octant.js']);
  } finally {
    running.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});

// Files the executable creates get the modes the docs promise, whatever the
// umask and whatever already exists: a packaged /var/lib/octant comes 0755,
// and a ledger directory an older release made is 0755 too. Everything the
// system writes under lib/ledger and log/ must be owner-only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');
const skip = existsSync(built) ? undefined : `${built} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping file mode tests: ${skip}\n`);

const root = mkdtempSync(join(tmpdir(), 'octant-modes-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Run dist/octant under umask 0, so only explicit modes protect anything. */
function octantUmask0(args: string[]): void {
  const out = spawnSync('sh', ['-c', 'umask 0; exec "$@"', 'sh', built, '--root', root, ...args], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: root }, timeout: 60_000 });
  assert.equal(out.status, 0, out.stderr);
}

/** "mode path" for `dir` and everything below it. */
function modes(dir: string): string[] {
  const out = [`${(statSync(dir).mode & 0o777).toString(8)} ${dir.slice(root.length)}`];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    out.push(...(statSync(path).isDirectory() ? modes(path) : [`${(statSync(path).mode & 0o777).toString(8)} ${path.slice(root.length)}`]));
  }
  return out;
}

test('under umask 0 with lib/, log/ and lib/ledger already 0755, the ledger, its state, checkpoints and the log are owner-only', { skip }, () => {
  for (const dir of ['lib', 'log', 'lib/ledger']) {
    mkdirSync(join(root, dir), { recursive: true });
    chmodSync(join(root, dir), 0o755);
  }
  octantUmask0(['boot', '--exit-when-ready']);
  octantUmask0(['ledger', 'checkpoint']);
  assert.deepEqual(modes(join(root, 'lib', 'ledger')), [
    '700 /lib/ledger',
    '700 /lib/ledger/checkpoints',
    ...readdirSync(join(root, 'lib', 'ledger', 'checkpoints')).map((n) => `600 /lib/ledger/checkpoints/${n}`),
    '600 /lib/ledger/ledger.log',
    '600 /lib/ledger/ledger.state',
  ]);
  assert.equal(statSync(join(root, 'log', 'octant.log')).mode & 0o777, 0o600);
  // The directories that existed keep their mode (they are the operator's), except the ledger's own.
  assert.equal(statSync(join(root, 'lib')).mode & 0o777, 0o755);
  // Nothing under lib/ or log/ that the system wrote is readable by others, but the public identity record.
  const exposed = [...modes(join(root, 'lib')).slice(1), ...modes(join(root, 'log')).slice(1)]
    .filter((line) => (Number.parseInt(line.split(' ')[0]!, 8) & 0o077) !== 0);
  assert.deepEqual(exposed, ['644 /lib/identity/identity.json']);
});

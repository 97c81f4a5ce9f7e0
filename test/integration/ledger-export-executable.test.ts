// The built executable exports and verifies a ledger on its own: the key
// `identity --verifier-key` prints is the one `ledger verify --key` takes,
// a cut-off export is refused, and verifying without a key is not a success.
// `npm test` builds dist/octant first.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');
const skip = existsSync(built) ? undefined : `${built} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping ledger export executable test: ${skip}\n`);

const dir = mkdtempSync(join(tmpdir(), 'octant-ledger-exe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function octant(...args: string[]) {
  const r = spawnSync(built, ['--root', join(dir, 'state'), ...args], { cwd: dir, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('dist/octant: export, verifier key, verify; truncation refused; no key is exit 4', { skip }, () => {
  // Two rejected manifests put two entries in the ledger (with a control character in a target).
  for (const name of ['bad.yaml', 'evil\x1b[2J.yaml']) {
    writeFileSync(join(dir, name), 'version: 1\nbogus: 1\n');
    assert.notEqual(octant('manifest', 'validate', name).status, 0);
  }
  const show = octant('ledger', 'show');
  assert.equal(show.status, 0, show.stderr);
  assert.equal(show.stdout.trim().split('\n').length, 2);
  assert.match(show.stdout, /\[escaped\]".*evil\\x1b\[2J\.yaml"/);
  const key = octant('identity', '--verifier-key');
  assert.equal(key.status, 0, key.stderr);
  const file = join(dir, 'export.jsonl');
  assert.equal(octant('ledger', 'export', '--out', file).status, 0);
  const ok = octant('ledger', 'verify', '--file', file, '--key', key.stdout.trim());
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^ok: .*2 entries/);
  assert.equal(octant('ledger', 'verify', '--file', file).status, 4);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
  const cut = octant('ledger', 'verify', '--file', file, '--key', key.stdout.trim());
  assert.equal(cut.status, 1);
  assert.match(cut.stdout, /the signed claim lists 2 entries, the file holds 1/);
});

// The one service table through the built executable: `octant boot` runs
// exactly the services of src/operator/service-table.ts (the agent layer's
// and the quorum included), and each service's settings are checked against
// the schema it declares before anything starts: a bad value is refused
// naming its key path, and the valid twin boots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICES } from '../../src/operator/service-table.ts';
import { OCTANT } from '../support/dist-octant.ts';

const skip = existsSync(OCTANT) ? undefined : `${OCTANT} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping service table executable tests: ${skip}\n`);

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'octant-table-exe-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

/** Boot a fresh state root with this octant.yaml (none when undefined) until ready, then stop. */
function boot(name: string, yaml?: string): { status: number | null; ready: string[]; stderr: string } {
  const root = join(dir, name);
  mkdirSync(join(root, 'etc'), { recursive: true, mode: 0o700 });
  if (yaml !== undefined) writeFileSync(join(root, 'etc', 'octant.yaml'), yaml, { mode: 0o600 });
  const out = spawnSync(OCTANT, ['--root', root, 'boot', '--exit-when-ready', '--json'], { encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: dir } });
  const ready = out.stdout.split('\n').filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event: string; service?: string })
    .filter((e) => e.event === 'ready').map((e) => e.service ?? '');
  return { status: out.status, ready, stderr: out.stderr };
}

test('dist/octant boots every service of the one table, and only those', { skip }, () => {
  const run = boot('plain');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.ready.sort(), SERVICES.map((s) => s.name).sort());
  assert.ok(run.ready.includes('agents') && run.ready.includes('quorum'), run.ready.join(' '));
});

test('dist/octant refuses a setting its service\'s schema refuses, naming the key, before any service starts; the valid twin boots', { skip }, () => {
  for (const [name, yaml, key] of [
    ['ledger-interval', 'services:\n  ledger:\n    checkpointIntervalMs: -1\n', 'services.ledger.checkpointIntervalMs'],
    ['agent-uids', 'services:\n  agents:\n    uids:\n      start: 5\n', 'services.agents.uids.start'],
  ] as const) {
    const run = boot(name, yaml);
    assert.notEqual(run.status, 0, `${name}: refused`);
    assert.match(run.stderr, /E_CONFIG/, name);
    assert.ok(run.stderr.includes(key), `${name}: ${run.stderr}`);
    assert.deepEqual(run.ready, [], `${name}: nothing started`);
  }
  const twin = boot('valid', 'services:\n  ledger:\n    checkpointIntervalMs: 0\n  agents:\n    uids:\n      start: 300000\n');
  assert.equal(twin.status, 0, twin.stderr);
  assert.equal(twin.ready.length, SERVICES.length);
});

// `octant up` (what `npm start` runs) on a fresh state root: it boots, runs
// the example agent in a real sandbox, prints its story and a verified
// ledger, and with --once stops afterwards with exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'main.ts');
const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap']).stdout.toString().trim() !== '';
const skip = process.getuid?.() !== 0 ? 'needs root (sandboxes and cgroups)' : !hasBwrap ? 'bwrap is not installed' : false;
if (skip) console.log(`# skipping octant up: ${skip}`);

test('octant up --once runs the example agent end to end and verifies the ledger', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-up-'));
  try {
    const run = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, '--root', root, 'up', '--once'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const out = run.stdout;
    assert.match(out, /demo-agent\): archived — exited with code 0/);
    assert.match(out, /action +deny +fs\.read .*salaries\.txt/, 'the forbidden read is refused and shown');
    assert.match(out, /vault +allow +secret\.inject demo-service-key/);
    assert.match(out, /received the vault-injected credential/);
    assert.match(out, /^ok: .*ledger\.log/m);
    assert.match(out, /octant --root \S+ setup --provider openai --model \S+ --name helper/, 'it says how to add a provider and a first manifest');
    // The credential value never reached the disk in the clear.
    const secret = /demo-[0-9a-f]{32}/;
    const scan = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) scan(path);
        else if (entry.isFile()) assert.ok(!secret.test(readFileSync(path, 'latin1')), `${path} holds the demo secret`);
      }
    };
    scan(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// Exec control through the shipped executable: dist/octant carries the
// exec-guard helper (no compiler needed at run time) and a wrapped program it
// runs may start only what the manifest's processes.exec lists, even though
// the sandbox's first program is octant's own egress bridge.
// `npm test` builds dist/octant first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');
const skip = process.getuid?.() !== 0 ? 'needs root (sandboxes and cgroups)'
  : !existsSync('/usr/bin/bwrap') ? '/usr/bin/bwrap is missing'
    : !existsSync(built) ? `${built} is missing (run: node scripts/build.ts)`
      : false;
if (skip) console.log(`# skipping the exec-control test of dist/octant: ${skip}`);

let dir = '';
let tmp = '';
const run = (args: string[]) => spawnSync(built, ['--root', join(dir, 'root'), ...args], {
  cwd: dir, encoding: 'utf8', timeout: 120_000,
  // A fresh temporary directory: the helper written there can only come from the executable.
  env: { PATH: '/usr/bin:/bin', HOME: dir, TMPDIR: tmp },
});

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'octant-exec-sea-'));
  // Agents' bwrap (their own uid) must pass through it to reach the helper.
  tmp = mkdtempSync(join(tmpdir(), 'octant-exec-sea-tmp-'));
  chmodSync(tmp, 0o755);
});
after(() => {
  for (const path of [dir, tmp]) if (path) rmSync(path, { recursive: true, force: true });
});

test('dist/octant: a wrapped program runs (twin) and cannot start a program outside processes.exec or one it wrote', { skip }, () => {
  assert.equal(run(['keys', 'generate', '--name', 'ops']).status, 0);
  const template = run(['manifest', 'new', '--name', 'wrapped']).stdout;
  const manifest = template
    .replace(/^ {2}read: \[\].*$/m, '  read: [/usr]')
    .replace(/^ {2}destinations: \[\].*$/m, '  destinations: [{ host: example.com, ports: 443, protocol: https }]')
    .replace(/^syscalls: \[\].*$/m, 'syscalls: ["@base", "@file-read", "@file-write", "@process-spawn", "@network-client", "@network-server", "@terminal", "@timers"]')
    .replace(/^ {2}exec: \[\].*$/m, '  exec: [/usr/bin/python3]')
    .replace(/memory: \S+/, 'memory: 512MiB')
    // No operator approval in this test: nothing is critical.
    .replace(/^ {2}critical: .*$/m, '  critical: []');
  writeFileSync(join(dir, 'wrapped.yaml'), manifest);
  const signed = run(['manifest', 'sign', 'wrapped.yaml', '--key', join(dir, 'root', 'etc', 'keys', 'private', 'ops.key'), '--out', 'wrapped.json']);
  assert.equal(signed.status, 0, signed.stderr);
  const program = `
import os, shutil, subprocess
def start(argv):
    try: return subprocess.run(argv, capture_output=True).returncode
    except OSError as e: return e.errno
shutil.copy('/usr/bin/id', '/tmp/id'); os.chmod('/tmp/id', 0o755)
print('RESULT', start(['/usr/bin/id']), start(['/tmp/id']), start(['/usr/bin/python3', '-c', 'raise SystemExit(5)']))`;
  const result = run(['run', 'wrapped.json', '--', '/usr/bin/python3', '-S', '-c', program]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const aid = /agent (agt_\w+)/.exec(result.stdout + result.stderr)?.[1];
  assert.ok(aid, result.stdout);
  const stdout = readFileSync(join(dir, 'root', 'lib', 'agents', aid, 'stdout.log'), 'utf8');
  // EACCES (13) for /usr/bin/id and for the copy in /tmp; python3 itself ran and exited 5.
  assert.match(stdout, /^RESULT 13 13 5$/m, stdout);
  // The helper came out of the executable: written content-addressed, never compiled.
  const guardDir = join(tmp, `octant-exec-guard-${process.geteuid?.()}`);
  const files = readdirSync(guardDir);
  assert.equal(files.length, 1, files.join(' '));
  assert.match(files[0], /^exec-guard-[0-9a-f]{16}$/);
  assert.equal(statSync(join(guardDir, files[0])).mode & 0o7777, 0o555);
});

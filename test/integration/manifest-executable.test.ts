// The built executable validates manifests with the data bundled into it
// (refused grants, syscall groups with ioctl:harmless) and knows where it
// lives: copied alone into a directory, a manifest writing that directory is
// refused (E_MANIFEST_GRANT_PROGRAM); twin: writing elsewhere is fine.
// `npm test` builds dist/octant first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');
const skip = existsSync(built) ? undefined : `${built} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping the executable's manifest tests: ${skip}\n`);

let dir = '';
let exe = '';
let root = '';

before(() => {
  if (skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'octant-sea-manifest-'));
  // The executable is bound into agents' sandboxes: their uid must pass through.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'bin'));
  exe = join(dir, 'bin', 'octant');
  copyFileSync(built, exe);
  chmodSync(exe, 0o755);
  root = join(dir, 'state');
  mkdirSync(join(dir, 'work'));
});
after(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }); });

function validate(write: string, extra = ''): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, 'm.yaml');
  writeFileSync(file, `version: 1
identity: {name: m, operator: o}
filesystem: {write: [${JSON.stringify(write)}]}
syscalls: ["@base", "@file-read", "@file-write"${extra}]
resources: { cpu: 1, memory: 1GiB, ioBandwidth: 20MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: {ttl: 1h}
`);
  const result = spawnSync(exe, ['--root', root, 'manifest', 'validate', file], { cwd: dir, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("the executable refuses a write grant of its own directory, /proc and its state root; twin: another directory", { skip }, () => {
  const own = validate(join(dir, 'bin'));
  assert.equal(own.status, 4, own.stderr);
  assert.match(own.stderr, /E_MANIFEST_GRANT_PROGRAM/);
  assert.match(validate(dir).stderr, /E_MANIFEST_GRANT_PROGRAM|E_MANIFEST_GRANT_STATE/, 'a parent of it too');
  assert.match(validate('/proc/sys/kernel').stderr, /E_MANIFEST_GRANT_PROC/);
  assert.match(validate(join(root, 'lib')).stderr, /E_MANIFEST_GRANT_STATE/);
  const fine = validate(join(dir, 'work'), ', "@process-spawn", "@network-client"');
  assert.equal(fine.status, 0, fine.stderr);
  assert.match(fine.stdout, /^valid: m /);
  assert.equal(fine.stderr, '');
});

test('the executable warns about the groups its own programs need', { skip }, () => {
  const warned = validate(join(dir, 'work'));
  assert.equal(warned.status, 0, warned.stderr);
  assert.match(warned.stderr, /warning: syscalls: add "@process-spawn"/);
  assert.match(warned.stderr, /warning: syscalls: add "@network-client"/);
});

const tierSkip = skip ?? (process.getuid?.() !== 0 ? 'needs root (sandboxes and cgroups)' : !existsSync('/usr/bin/runsc') ? '/usr/bin/runsc is missing (install runsc)' : undefined);

test('the executable: octant run --isolation gvisor runs its built-in loop under gVisor (a program it runs sees the Sentry)', { skip: tierSkip }, () => {
  const state = join(dir, 'run-state');
  const octant = (...args: string[]) => spawnSync(exe, ['--root', state, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir }, timeout: 120_000 });
  assert.equal(octant('keys', 'generate', '--name', 'ops').status, 0);
  writeFileSync(join(dir, 'loop.yaml'), `version: 1
identity: {name: looper, operator: o}
syscalls: ["@base", "@file-read", "@process-spawn", "@network-client"]
processes: {exec: [/usr/bin/uname]}
resources: { cpu: 1, memory: 1GiB, ioBandwidth: 20MiB/s, pids: 512, networkThroughput: 1MiB/s }
lifetime: {ttl: 10m}
governance: {critical: []}
`);
  writeFileSync(join(dir, 'plan.json'), JSON.stringify([{ tool: 'exec', args: { program: '/usr/bin/uname', args: ['-r'] } }]));
  const signed = octant('manifest', 'sign', 'loop.yaml', '--key', join(state, 'etc/keys/private/ops.key'), '--out', 'loop.json');
  assert.equal(signed.status, 0, signed.stderr);
  const ran = octant('run', 'loop.json', '--isolation', 'gvisor', '--script', 'plan.json', '--json');
  assert.equal(ran.status, 0, ran.stderr);
  const report = JSON.parse(ran.stdout) as { record: { aid: string }; entries: { detail: Record<string, unknown> }[] };
  assert.ok(report.entries.some((e) => e.detail.to === 'validated' && e.detail.isolation === 'gvisor'));
  const transcript = readFileSync(join(state, 'lib', 'agents', report.record.aid, 'transcript.jsonl'), 'utf8');
  assert.match(transcript, /"stdout":"4\.4\.0\\n"/);
});

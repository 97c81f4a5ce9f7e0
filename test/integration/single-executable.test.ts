// The built executable on its own: copied alone into an empty directory (no
// node_modules, no sources) it must run commands and utilities, dispatch by
// link name, and report its own hash. `npm test` builds dist/octant first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AS_PID1, RunningInit, pid1Skip } from '../support/running-init.ts';
import { STAMP_LENGTH } from '../../src/lib/self-stamp.ts';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'octant');
const skip = existsSync(built) ? undefined : `${built} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping single-executable tests: ${skip}\n`);

let dir = '';
let exe = '';

before(() => {
  if (skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'octant-sea-'));
  exe = join(dir, 'octant');
  copyFileSync(built, exe);
  chmodSync(exe, 0o755);
});
after(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }); });

/** Run a program with cwd in the scratch dir and an environment that points nowhere near the repository. */
function run(program: string, args: string[] = [], input = '') {
  const result = spawnSync(program, args, { cwd: dir, input, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('alone in an empty directory, --version prints the SHA-256 the build stamped, which is the hash of the bytes before the stamp', { skip }, () => {
  assert.deepEqual(readdirSync(dir), ['octant']);
  const out = run(exe, ['--version']);
  assert.equal(out.status, 0, out.stderr);
  const bytes = readFileSync(exe);
  const expected = createHash('sha256').update(bytes.subarray(0, bytes.length - STAMP_LENGTH)).digest('hex');
  assert.match(out.stdout, /^octant \d+\.\d+\.\d+\ncommit \S+\nsha256 [0-9a-f]{64}\n$/);
  assert.equal(/sha256 (\S+)/.exec(out.stdout)![1], expected);
  assert.equal(bytes.subarray(bytes.length - STAMP_LENGTH).toString('latin1'), `\nOCTANT-SHA256 ${expected}\n`);
  const json = JSON.parse(run(exe, ['version', '--json']).stdout) as { sha256: string };
  assert.equal(json.sha256, expected);
});

test('verify-self accepts the executable as built and refuses it after one byte changed or with its stamp cut off', { skip }, () => {
  const good = run(exe, ['verify-self', '--json']);
  assert.equal(good.status, 0, good.stderr);
  assert.equal((JSON.parse(good.stdout) as { ok: boolean }).ok, true);
  const bytes = readFileSync(exe);
  const tampered = join(dir, 'tampered');
  const flipped = Buffer.from(bytes);
  flipped[4096] ^= 1;
  writeFileSync(tampered, flipped, { mode: 0o755 });
  const bad = run(tampered, ['verify-self']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^error\[E_SELF_MISMATCH\]/);
  const unstamped = join(dir, 'unstamped');
  writeFileSync(unstamped, bytes.subarray(0, bytes.length - STAMP_LENGTH), { mode: 0o755 });
  const none = run(unstamped, ['verify-self']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^error\[E_SELF_UNSTAMPED\]/);
  assert.match(run(unstamped, ['--version']).stdout, /sha256 none \(the executable carries no stamp\)/);
  rmSync(tampered);
  rmSync(unstamped);
});

test('the executable is built from a stripped Node: no static symbol table', { skip }, () => {
  const sections = spawnSync('readelf', ['-S', '-W', exe], { encoding: 'utf8' });
  if (sections.error !== undefined) return void process.stdout.write('# readelf missing; not checking the symbol table\n');
  assert.equal(sections.status, 0, sections.stderr);
  assert.doesNotMatch(sections.stdout, /\s\.symtab\s/);
  assert.match(sections.stdout, /\s\.dynsym\s/);
});

test('the executable runs utilities as subcommands', { skip }, () => {
  assert.deepEqual(run(exe, ['echo', 'hello', 'world']), { status: 0, stdout: 'hello world\n', stderr: '' });
  assert.deepEqual(run(exe, ['ls']), { status: 0, stdout: 'octant\n', stderr: '' });
  assert.equal(run(exe, ['cat'], 'through stdin').stdout, 'through stdin');
  assert.equal(run(exe, ['ls', 'nope']).status, 2);
});

test('install puts the executable on PATH under a prefix, again over itself (upgrade), with a systemd unit on request', { skip }, () => {
  const prefix = mkdtempSync(join(tmpdir(), 'octant-install-'));
  try {
    const first = run(exe, ['install', '--prefix', prefix, '--service', '--unit-dir', join(prefix, 'units')]);
    assert.equal(first.status, 0, first.stderr);
    const installed = join(prefix, 'bin', 'octant');
    assert.match(run(installed, ['--version']).stdout, /^octant \d+\.\d+\.\d+/);
    assert.match(readFileSync(join(prefix, 'units', 'octant.service'), 'utf8'), new RegExp(`ExecStart=${installed} boot`));
    // Man pages and the bash completion beside it, generated by the executable itself.
    assert.match(readFileSync(join(prefix, 'share', 'man', 'man1', 'octant-ledger.1'), 'utf8'), /^\.TH OCTANT\\-LEDGER 1 /);
    assert.match(readFileSync(join(prefix, 'share', 'man', 'man1', 'octant.1'), 'utf8'), /^\.B ledger$/m);
    assert.match(readFileSync(join(prefix, 'share', 'bash-completion', 'completions', 'octant'), 'utf8'), /^complete -o filenames -F _octant octant$/m);
    // Installing again (an upgrade) replaces the file by rename: the installed copy can do it to itself.
    const again = run(installed, ['install', '--prefix', prefix]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(run(installed, ['--version']).status, 0);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});

test('an unknown command exits 2 and lists the closest matches', { skip }, () => {
  const out = run(exe, ['ehco']);
  assert.equal(out.status, 2);
  assert.match(out.stderr, /E_UNKNOWN_COMMAND/);
  assert.match(out.stderr, /did you mean: .*echo/);
  const near = run(exe, ['versoin']);
  assert.equal(near.status, 2);
  assert.match(near.stderr, /did you mean: .*version/);
});

test('install-links makes one link per utility; through them argv0 picks the utility', { skip }, () => {
  const bin = join(dir, 'bin');
  const out = run(exe, ['install-links', bin]);
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(readdirSync(bin).sort(), ['cat', 'echo', 'false', 'ls', 'true']);
  for (const name of readdirSync(bin)) assert.equal(readlinkSync(join(bin, name)), exe);
  assert.deepEqual(run(join(bin, 'echo'), ['-n', 'via link']), { status: 0, stdout: 'via link', stderr: '' });
  assert.deepEqual(run(join(bin, 'ls'), []), { status: 0, stdout: 'bin\noctant\n', stderr: '' });
  assert.equal(run(join(bin, 'true')).status, 0);
  assert.equal(run(join(bin, 'false')).status, 1);
  assert.equal(run(join(bin, 'cat'), [], 'x').stdout, 'x');
  // Running it again changes nothing: the links are already ours.
  assert.match(run(exe, ['install-links', bin]).stdout, /^0 link\(s\) created/);
});

test('install-links refuses to overwrite a foreign file without --force, and replaces it with --force', { skip }, () => {
  const bin = join(dir, 'bin-foreign');
  mkdirSync(bin);
  writeFileSync(join(bin, 'ls'), 'not ours\n');
  const refused = run(exe, ['install-links', bin]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /E_LINK_EXISTS/);
  assert.match(refused.stderr, /--force/);
  assert.equal(readFileSync(join(bin, 'ls'), 'utf8'), 'not ours\n');
  assert.ok(!lstatSync(join(bin, 'ls')).isSymbolicLink());
  const forced = run(exe, ['install-links', bin, '--force']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(readlinkSync(join(bin, 'ls')), exe);
  assert.equal(run(join(bin, 'ls'), ['bin-foreign']).stdout.split('\n')[0], 'cat');
});

test('node:ffi works inside the executable: doctor and identity run', { skip }, () => {
  const doctor = run(exe, ['doctor', '--json']);
  const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> };
  assert.equal(report.checks.find((c) => c.name === 'node-ffi')?.status, 'ok');
  assert.equal(doctor.status, report.ok ? 0 : 3);
  const identity = run(exe, ['--root', join(dir, 'state'), 'identity', '--json']);
  assert.equal(identity.status, 0, identity.stderr);
  assert.match((JSON.parse(identity.stdout) as { fingerprint: string }).fingerprint, /^[0-9a-f]{64}$/);
});

test('the executable alone runs as PID 1: boots, reaps a double fork, stops on SIGTERM with exit 0', { skip: skip ?? pid1Skip() }, async () => {
  const init = new RunningInit([...AS_PID1, exe, '--root', join(dir, 'pid1-state'), 'init'], {}, 'stderr');
  try {
    assert.equal((await init.waitFor((l) => l.msg === 'init started', 'init started')).mode, 'pid1');
    await init.waitFor((l) => l.msg === 'booted', 'booted');
    const orphan = Number(init.inside('(sleep 0.2 >/dev/null 2>&1 & echo $!) ; exit 0').trim());
    await init.waitFor((l) => l.msg === 'reaped orphans' && (l.pids as number[]).includes(orphan), `the reaping of pid ${orphan}`);
    process.kill(init.nsInitPid(), 'SIGTERM');
    assert.equal(await init.exited, 0);
    assert.ok(init.lines.some((l) => l.msg === 'stopped' && l.signal === 'SIGTERM'));
  } finally {
    init.kill();
    await init.exited;
  }
});

test('a reader that closes the pipe early gets no stack trace: the command finishes with its own exit code', { skip }, async () => {
  const { spawn } = await import('node:child_process');
  const state = join(dir, 'epipe-state');
  const child = spawn(exe, ['--root', state, 'boot', '--exit-when-ready', '--json'], { cwd: dir, env: { PATH: '/usr/bin:/bin', HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Close our end before the first line arrives: every write of the child fails with EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(status, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
});

const agentSkip = skip ?? (process.geteuid?.() !== 0 ? 'needs root (sandboxes, cgroups, agent uids)' : !existsSync('/usr/bin/bwrap') ? 'bwrap is not installed' : undefined);

test('the executable alone runs the example agent as an unprivileged uid, its state root closed to agents', { skip: agentSkip }, () => {
  // The executable must be readable by the agents (it runs the built-in loop inside
  // the sandbox); the state root stays 0700, as under a home directory.
  const place = mkdtempSync(join(tmpdir(), 'octant-sea-agent-'));
  try {
    chmodSync(place, 0o755);
    const agentExe = join(place, 'octant');
    copyFileSync(built, agentExe);
    chmodSync(agentExe, 0o755);
    const state = join(dir, 'agent-state');
    mkdirSync(state, { mode: 0o700 });
    const up = spawnSync(agentExe, ['--root', state, 'up', '--once'], { cwd: place, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir }, timeout: 120_000 });
    assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
    assert.match(up.stdout, /demo-agent\): archived — exited with code 0/);
    // The ledger says which host uid it ran as: one of the agents' range, never 0.
    const ledger = readFileSync(join(state, 'lib', 'ledger', 'ledger.log'), 'utf8');
    const start = ledger.split('\n').find((line) => line.includes('"event":"start"'));
    const uid = Number(/"uid":(\d+)/.exec(start ?? '')?.[1]);
    assert.ok(uid >= 200_000 && uid < 265_536, `start entry: ${start}`);
  } finally {
    rmSync(place, { recursive: true, force: true });
  }
});

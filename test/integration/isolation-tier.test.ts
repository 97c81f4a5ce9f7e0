// The isolation tier is a choice, end to end through a booted system and
// `octant run` (real bubblewrap, real runsc, real cgroups, real ledger):
//   - `--isolation gvisor` runs the built-in loop and a wrapped program under
//     gVisor (the Sentry reports its own kernel release, 4.4.0); twin: without
//     it they run under namespaces (the host's release);
//   - the system policy (octant.yaml services.agents.gvisorRoles) puts a
//     role's agents under gVisor whatever their manifest says, and
//     `--isolation namespaces` for them is refused (E_MANIFEST_ISOLATION,
//     recorded); twin: an agent of another role may ask for namespaces;
//   - a wrapped program starts with the groups `manifest validate` asks for
//     (launcher-needs.ts), and `manifest validate` warns for each one missing;
//     twin: without @network-server the bridge cannot listen and it fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { rootLayout, type Paths } from '../../src/runtime/paths.ts';
import { startSystem, type RunningSystem } from '../../src/operator/system.ts';
import { ledgerDir, openLedger, readLedger } from '../../src/services/ledger/api.ts';
import { initVault } from '../../src/services/vault/api.ts';
import { addTrustedKey, generateOperatorKey, loadPrivateKey, parseManifestText, signManifest, validateSchema } from '../../src/agent/manifest/index.ts';
import { octantCli } from '../support/octant-cli.ts';

const hasBwrap = spawnSync('sh', ['-c', 'command -v bwrap']).stdout.toString().trim() !== '';
const skip = process.getuid?.() !== 0 ? 'needs root (sandboxes and cgroups)' : !hasBwrap ? 'bwrap is not installed' : !existsSync('/usr/bin/runsc') ? '/usr/bin/runsc is missing (install runsc)' : false;
if (skip) console.log(`# skipping the isolation tier suite: ${skip}`);

/** What gVisor's Sentry answers for uname -r: not the host's kernel. */
const GVISOR_RELEASE = '4.4.0';
const PYTHON = '/usr/bin/python3';
/** The groups `manifest validate` asks a wrapped program's manifest for, with python3's own (@base, @file-read). */
const WRAPPED = '["@base", "@file-read", "@process-spawn", "@network-client", "@network-server"]';

let root: string;
let paths: Paths;
let system: RunningSystem;
let operator: KeyObject;

/** Writes a signed manifest file and returns its path. */
function manifest(name: string, body: string, role?: string): string {
  const yaml = `version: 1\nidentity:\n  name: ${name}\n${role ? `  role: ${role}\n` : ''}  operator: ops@example.com\n${body}
resources: { cpu: 1, memory: 1GiB, ioBandwidth: 20MiB/s, pids: 256, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
governance: { critical: [] }
`;
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(signManifest(validateSchema(parseManifestText(yaml, `${name}.yaml`)), operator)));
  return file;
}

const cli = (args: string[]) => octantCli(root, ...args);

/** `octant run FILE [FLAGS] --json [-- COMMAND]`: exit code, the agent's id and its logs. */
async function run(args: string[], command: string[] = []): Promise<{ code: number; aid: string; stdout: string; stderr: string; err: string }> {
  const result = await cli(['run', ...args, '--json', ...(command.length > 0 ? ['--', ...command] : [])]);
  const aid = result.out.trim() === '' ? '' : (JSON.parse(result.out) as { record: { aid: string } }).record.aid;
  const log = (f: string): string => {
    const path = join(paths.state, 'agents', aid, f);
    return aid !== '' && existsSync(path) ? readFileSync(path, 'utf8') : '';
  };
  return { code: result.code, aid, stdout: log('stdout.log'), stderr: log('stderr.log'), err: result.err };
}

function tierOf(aid: string): unknown {
  return readLedger(ledgerDir(paths), { keepEntries: true }).replay.entries.find((e) => e.agent === aid && e.kind === 'lifecycle' && e.detail.to === 'validated')?.detail.isolation;
}

before(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'octant-tier-e2e-'));
  paths = rootLayout(root);
  mkdirSync(paths.etc, { recursive: true });
  const key = generateOperatorKey(paths, 'ops');
  operator = loadPrivateKey(key.privatePath);
  addTrustedKey(paths, createPublicKey(operator), 'ops');
  const ledger = await openLedger(paths);
  const { vault } = await initVault(paths, ledger, { passphrase: Buffer.from('tier tests'), keyFile: join(paths.etc, 'vault.key'), kdf: { passes: 1, memoryKiB: 8192, parallelism: 1 } });
  await vault.seal();
  await ledger.close();
  writeFileSync(join(paths.etc, 'octant.yaml'), `services:\n  vault:\n    keyFile: ${join(paths.etc, 'vault.key')}\n  agents:\n    gvisorRoles: [web]\n`);
  system = await startSystem({ paths });
  await system.ready;
});

after(async () => {
  if (skip) return;
  await system?.stop('tests done');
  rmSync(root, { recursive: true, force: true });
});

/** A script file for the built-in loop (`octant run --script`). */
function writeScript(name: string, steps: unknown[]): string {
  const file = join(root, `${name}.plan.json`);
  writeFileSync(file, JSON.stringify(steps));
  return file;
}

const unameScript = (): string => writeScript('uname', [{ tool: 'exec', args: { program: '/usr/bin/uname', args: ['-r'] } }]);

function execReplies(aid: string): { stdout: string }[] {
  const transcript = readFileSync(join(paths.state, 'agents', aid, 'transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; reply?: { result?: { stdout: string } } });
  return transcript.filter((l) => l.type === 'tool').map((l) => l.reply?.result ?? { stdout: '' });
}

test('the built-in loop: --isolation gvisor runs it under gVisor; twin: by default it runs under namespaces', { skip }, async () => {
  const file = manifest('looper', `syscalls: ["@base", "@file-read", "@process-spawn", "@network-client"]
processes: { exec: [/usr/bin/uname] }`);
  const gv = await run([file, '--isolation', 'gvisor', '--script', unameScript()]);
  assert.equal(gv.code, 0, `${gv.err}\n${gv.stderr}`);
  assert.equal(tierOf(gv.aid), 'gvisor');
  assert.equal(execReplies(gv.aid)[0].stdout.trim(), GVISOR_RELEASE, 'a program it runs sees the Sentry, not the host kernel');
  const ns = await run([file, '--script', unameScript()]);
  assert.equal(ns.code, 0, `${ns.err}\n${ns.stderr}`);
  assert.equal(tierOf(ns.aid), 'namespaces');
  assert.equal(execReplies(ns.aid)[0].stdout.trim(), release());
});

test('a wrapped program: --isolation gvisor runs it under gVisor; twin: the manifest field does the same, the default does not', { skip }, async () => {
  const body = `syscalls: ${WRAPPED}\nprocesses: { exec: [${PYTHON}] }`;
  const plain = manifest('wrapped', body);
  const code = [PYTHON, '-c', 'import os; print(os.uname().release)'];
  const gv = await run([plain, '--isolation', 'gvisor'], code);
  assert.equal(gv.code, 0, `${gv.err}\n${gv.stderr}`);
  assert.equal(gv.stdout.trim(), GVISOR_RELEASE);
  const field = await run([manifest('wrapped-gv', `${body}\nisolation: gvisor`)], code);
  assert.equal(field.stdout.trim(), GVISOR_RELEASE, field.stderr);
  const ns = await run([plain], code);
  assert.equal(ns.code, 0, ns.stderr);
  assert.equal(ns.stdout.trim(), release());
});

test('system policy: a gvisorRoles role runs under gVisor, and --isolation namespaces for it is refused and recorded; twin: another role may ask for namespaces', { skip }, async () => {
  const body = `syscalls: ${WRAPPED}\nprocesses: { exec: [${PYTHON}] }`;
  const code = [PYTHON, '-c', 'import os; print(os.uname().release)'];
  // Role web may run no program, so the policy is shown with the built-in loop.
  const roled = manifest('webber', `syscalls: ["@base", "@file-read", "@process-spawn", "@network-client"]`, 'web');
  const byPolicy = await run([roled, '--script', writeScript('write', [{ tool: 'fs_write', args: { path: '/scratch/x.txt', content: 'x' } }])]);
  assert.equal(byPolicy.code, 0, `${byPolicy.err}\n${byPolicy.stderr}`);
  assert.equal(tierOf(byPolicy.aid), 'gvisor');
  const refused = await cli(['run', roled, '--isolation', 'namespaces', '--script', writeScript('empty', [])]);
  assert.equal(refused.code, 4, refused.err);
  assert.match(refused.err, /E_MANIFEST_ISOLATION/);
  assert.match(refused.err, /role web/);
  const entries = readLedger(ledgerDir(paths), { keepEntries: true }).replay.entries;
  assert.ok(entries.some((e) => e.kind === 'manifest' && e.decision === 'deny' && e.detail.code === 'E_MANIFEST_ISOLATION'), 'the refusal is in the ledger');
  const other = await run([manifest('no-role', body), '--isolation', 'namespaces'], code);
  assert.equal(other.code, 0, other.stderr);
  assert.equal(other.stdout.trim(), release());
});

test('a wrapped program needs what `manifest validate` warns about: without @network-server the bridge cannot listen and it does not run; twin: with it, it does', { skip }, async () => {
  const lacking = manifest('no-server', `syscalls: ${WRAPPED.replace(', "@network-server"', '')}\nprocesses: { exec: [${PYTHON}] }`);
  const warned = await cli(['manifest', 'validate', lacking]);
  assert.equal(warned.code, 0);
  assert.match(warned.err, /warning: syscalls: add "@network-server"/);
  const failed = await run([lacking], [PYTHON, '-c', 'print("ran")']);
  assert.notEqual(failed.code, 0);
  assert.doesNotMatch(failed.stdout, /ran/);
  const full = manifest('with-server', `syscalls: ${WRAPPED}\nprocesses: { exec: [${PYTHON}] }`);
  assert.equal((await cli(['manifest', 'validate', full])).err, '');
  const ran = await run([full], [PYTHON, '-c', 'print("ran")']);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout.trim(), 'ran');
});

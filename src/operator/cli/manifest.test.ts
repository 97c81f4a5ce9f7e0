// octant manifest and octant keys end to end through main(): a temporary
// state root, real files, real keys. validate / sign / verify record every
// rejection in the ledger before reporting it: directly when no system runs,
// through the admin socket when the ledger service holds the writer lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../main.ts';
import { startAdminServer } from '../../runtime/admin/server.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { silentLogger } from '../../runtime/log.ts';
import { adminSocketPath, rootLayout, type Paths } from '../../runtime/paths.ts';
import { ledgerService, openLedger, type LedgerEntry } from '../../services/ledger/api.ts';

const examples = new URL('../../../examples/manifests/', import.meta.url).pathname;

async function run(root: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => { out += c; });
  stderr.on('data', (c) => { err += c; });
  const code = await main(['node', 'octant', '--root', root, ...args], { stdin: new PassThrough(), stdout, stderr, cwd: root, env: {} });
  return { code, out, err };
}

test('keys generate, manifest sign, verify, validate; revoke makes verify fail', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-cli-manifest-'));
  try {
    const gen = await run(root, 'keys', 'generate', '--name', 'alice');
    assert.equal(gen.code, 0, gen.err);
    const key = join(root, 'etc/keys/private/alice.key');
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal((await run(root, 'manifest', 'sign', join(examples, 'coder.yaml'), '--key', key, '--out', 'coder.json')).code, 0);
    const verify = await run(root, 'manifest', 'verify', 'coder.json');
    assert.equal(verify.code, 0, verify.err);
    assert.match(verify.out, /verified: coder signed by [0-9a-f]{16} \(alice\)/);
    assert.match((await run(root, 'manifest', 'validate', 'coder.json')).out, /signature by/);
    const list = await run(root, 'keys', 'list', '--json');
    assert.equal(JSON.parse(list.out).length, 1);

    const signed = JSON.parse(readFileSync(join(root, 'coder.json'), 'utf8'));
    signed.manifest.credentials.push('stolen');
    writeFileSync(join(root, 'tampered.json'), JSON.stringify(signed));
    const tampered = await run(root, 'manifest', 'verify', 'tampered.json');
    assert.equal(tampered.code, 4);
    assert.match(tampered.err, /E_MANIFEST_SIGNATURE/);

    assert.equal((await run(root, 'keys', 'revoke', 'alice')).code, 0);
    const revoked = await run(root, 'manifest', 'verify', 'coder.json');
    assert.equal(revoked.code, 4);
    assert.match(revoked.err, /revoked/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('new, explain, diff, intersect; bad input is a clear error', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-cli-manifest-'));
  try {
    assert.equal((await run(root, 'manifest', 'new', '--name', 'helper', '--out', 'helper.yaml')).code, 0);
    const explained = await run(root, 'manifest', 'explain', 'helper.yaml');
    assert.match(explained.out, /use the network at all/);
    assert.match(explained.out, /A vote of the quorum's panel, then an operator for what it escalates, is needed before: every action/);
    const diff = await run(root, 'manifest', 'diff', join(examples, 'coder.yaml'), join(examples, 'web-agent.yaml'));
    assert.equal(diff.code, 1);
    assert.match(diff.out, /\+ network\.destinations: https:\/\/api\.weather\.example:443/);
    assert.equal((await run(root, 'manifest', 'diff', 'helper.yaml', 'helper.yaml')).code, 0);
    const both = await run(root, 'manifest', 'intersect', join(examples, 'coder.yaml'), join(examples, 'web-agent.yaml'), '--json');
    const effective = JSON.parse(both.out);
    assert.deepEqual(effective.network.destinations, []);
    assert.deepEqual(effective.filesystem.write, ['/workspace']);
    assert.deepEqual(effective.credentials, []);

    writeFileSync(join(root, 'bad.yaml'), readFileSync(join(root, 'helper.yaml'), 'utf8').replace('read: []', 'read: [/data/../etc]'));
    const bad = await run(root, 'manifest', 'validate', 'bad.yaml');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /E_MANIFEST_SCHEMA.*filesystem\.read\[0\]/);
    assert.equal((await run(root, 'manifest', 'sign', 'helper.yaml')).code, 2, 'sign without --key is a usage error');
    assert.equal((await run(root, 'manifest', 'frobnicate')).code, 2);
    const denied = await run(root, 'manifest', 'new', '--name', 'Bad Name');
    assert.equal(denied.code, 1);
    assert.match(denied.err, /identity\.name/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

function tempRoot(t: { after(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'octant-cli-manifest-ledger-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** A manifest that allows a permanently denied syscall: rule 7 refuses it. */
function writeDenied(root: string): string {
  const text = readFileSync(join(examples, 'researcher.yaml'), 'utf8').replace(/^syscalls: \[/m, 'syscalls: [ptrace, ');
  assert.match(text, /ptrace/);
  const file = join(root, 'denied.yaml');
  writeFileSync(file, text);
  return file;
}

/** Ledger entries through the public reader (octant ledger show --json), tolerant of an array or JSON lines. */
async function entries(root: string): Promise<LedgerEntry[]> {
  const shown = await run(root, 'ledger', 'show', '--json');
  assert.equal(shown.code, 0, shown.err);
  const text = shown.out.trim();
  if (text === '') return [];
  return text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((l) => JSON.parse(l));
}

async function system(paths: Paths, withRoutes = true) {
  const ledger = await ledgerService.start({ paths, config: { checkpointIntervalMs: 0 }, log: silentLogger, deps: {}, signal: new AbortController().signal });
  const services = new Map<string, AdminRoutes>(withRoutes && ledger.routes ? [['ledger', ledger.routes]] : []);
  const admin = await startAdminServer({ socketPath: adminSocketPath(paths), routes: [], serviceRoutes: () => services });
  return { ledger, async stop() { await admin.close(); await ledger.stop(); } };
}

test('no system running: a rejection is recorded directly; an accepted manifest and a missing file record nothing', async (t) => {
  const root = tempRoot(t);
  assert.equal((await run(root, 'manifest', 'validate', join(examples, 'researcher.yaml'))).code, 0);
  assert.equal((await run(root, 'manifest', 'validate', join(root, 'missing.yaml'))).code !== 0, true);
  assert.deepEqual(await entries(root), []);
  const file = writeDenied(root);
  const denied = await run(root, 'manifest', 'validate', file);
  assert.equal(denied.code, 4);
  assert.match(denied.err, /E_MANIFEST_DENY_LIST/);
  writeFileSync(join(root, 'bad.yaml'), 'version: 1\nidentity: {name: x, operator: o}\nbogus: 1\n');
  const schema = await run(root, 'manifest', 'validate', 'bad.yaml');
  assert.equal(schema.code, 1);
  const got = await entries(root);
  assert.equal(got.length, 2);
  assert.deepEqual([got[0]!.kind, got[0]!.action, got[0]!.decision, got[0]!.agent, got[0]!.target], ['manifest', 'validate', 'deny', 'operator', file]);
  assert.equal(got[0]!.detail.code, 'E_MANIFEST_DENY_LIST');
  assert.equal(got[0]!.detail.rule, 7);
  assert.equal(got[1]!.detail.code, 'E_MANIFEST_SCHEMA');
  assert.equal(got[1]!.target, join(root, 'bad.yaml'));
});

test('system running: the rejection goes through the admin socket while the service holds the lock', async (t) => {
  const root = tempRoot(t);
  const paths = rootLayout(root);
  const file = writeDenied(root);
  const sys = await system(paths);
  try {
    await assert.rejects(openLedger(paths), { code: 'E_LEDGER_LOCKED' });
    const denied = await run(root, 'manifest', 'validate', file);
    assert.equal(denied.code, 4, denied.err);
    assert.match(denied.err, /E_MANIFEST_DENY_LIST/);
    // sign refuses the same manifest, and records that too.
    const key = join(root, 'etc/keys/private/alice.key');
    assert.equal((await run(root, 'keys', 'generate', '--name', 'alice')).code, 0);
    assert.equal((await run(root, 'manifest', 'sign', file, '--key', key)).code, 4);
    assert.equal(sys.ledger.api.size(), 2);
  } finally {
    await sys.stop();
  }
  const got = await entries(root);
  assert.deepEqual(got.map((e) => [e.action, e.detail.code]), [['validate', 'E_MANIFEST_DENY_LIST'], ['sign', 'E_MANIFEST_DENY_LIST']]);
});

test('verify records a tampered signature; the untampered twin verifies and records nothing', async (t) => {
  const root = tempRoot(t);
  assert.equal((await run(root, 'keys', 'generate', '--name', 'alice')).code, 0);
  const key = join(root, 'etc/keys/private/alice.key');
  assert.equal((await run(root, 'manifest', 'sign', join(examples, 'coder.yaml'), '--key', key, '--out', 'coder.json')).code, 0);
  assert.equal((await run(root, 'manifest', 'verify', 'coder.json')).code, 0);
  assert.deepEqual(await entries(root), []);
  const signed = JSON.parse(readFileSync(join(root, 'coder.json'), 'utf8'));
  signed.manifest.credentials.push('stolen');
  writeFileSync(join(root, 'tampered.json'), JSON.stringify(signed));
  assert.equal((await run(root, 'manifest', 'verify', 'tampered.json')).code, 4);
  const got = await entries(root);
  assert.equal(got.length, 1);
  assert.deepEqual([got[0]!.action, got[0]!.detail.code], ['verify', 'E_MANIFEST_SIGNATURE']);
});

test('a rejection that cannot be recorded fails closed with E_MANIFEST_LEDGER (exit 3), naming both', async (t) => {
  const root = tempRoot(t);
  const paths = rootLayout(root);
  const file = writeDenied(root);
  const sys = await system(paths, false); // the lock is held and nothing takes the event
  try {
    const failed = await run(root, 'manifest', 'validate', file);
    assert.equal(failed.code, 3);
    assert.match(failed.err, /E_MANIFEST_LEDGER/);
    assert.match(failed.err, /E_MANIFEST_DENY_LIST/);
    assert.match(failed.err, /E_LEDGER_LOCKED|open for writing/);
  } finally {
    await sys.stop();
  }
});

test('validate and sign refuse a dangerous grant with its own code, recorded; the state root counts; twin: a sibling path', async (t) => {
  const root = tempRoot(t);
  const researcher = readFileSync(join(examples, 'researcher.yaml'), 'utf8');
  const cases: [string, string][] = [['/proc/sys', 'E_MANIFEST_GRANT_PROC'], ['/sys/fs/cgroup', 'E_MANIFEST_GRANT_SYS'], ['/dev/shm', 'E_MANIFEST_GRANT_DEV'], ['/', 'E_MANIFEST_GRANT_ROOT'], [join(root, 'lib'), 'E_MANIFEST_GRANT_STATE']];
  for (const [path, code] of cases) {
    writeFileSync(join(root, 'grant.yaml'), researcher.replace('read: [/data/papers]', `read: [${JSON.stringify(path)}]`).replace(/^ {2}role: researcher\n/m, ''));
    const refused = await run(root, 'manifest', 'validate', 'grant.yaml');
    assert.equal(refused.code, 4, `${path}: ${refused.err}`);
    assert.match(refused.err, new RegExp(`${code}.*filesystem\\.read\\[0\\]: ${path.replace(/[/.]/g, '\\$&')}`));
  }
  assert.deepEqual((await entries(root)).map((e) => e.detail.code), cases.map(([, code]) => code), 'each refusal recorded');
  assert.equal((await run(root, 'keys', 'generate', '--name', 'alice')).code, 0);
  const key = join(root, 'etc/keys/private/alice.key');
  const unsigned = await run(root, 'manifest', 'sign', 'grant.yaml', '--key', key, '--out', 'grant.json');
  assert.equal(unsigned.code, 4, 'sign refuses it too');
  assert.match(unsigned.err, /E_MANIFEST_GRANT_STATE/);
  writeFileSync(join(root, 'grant.yaml'), researcher.replace('read: [/data/papers]', `read: [${join(root, 'papers')}]`).replace(/^ {2}role: researcher\n/m, ''));
  assert.equal((await run(root, 'manifest', 'validate', 'grant.yaml')).code, 0);
  assert.equal((await run(root, 'manifest', 'sign', 'grant.yaml', '--key', key, '--out', 'grant.json')).code, 0);
});

test("validate warns (exit 0) for each group octant's own programs would lack, naming it; twin: the examples need none", async (t) => {
  const root = tempRoot(t);
  writeFileSync(join(root, 'bare.yaml'), 'version: 1\nidentity: {name: bare, operator: o}\nsyscalls: ["@base", "@file-read"]\nprocesses: {exec: [/usr/bin/python3]}\nresources: { cpu: 1, memory: 1GiB, ioBandwidth: 20MiB/s, pids: 64, networkThroughput: 1MiB/s }\nlifetime: {ttl: 1h}\n');
  const warned = await run(root, 'manifest', 'validate', 'bare.yaml');
  assert.equal(warned.code, 0);
  for (const group of ['@process-spawn', '@network-client', '@network-server']) assert.match(warned.err, new RegExp(`warning: syscalls: add "${group}"`));
  const json = await run(root, 'manifest', 'validate', 'bare.yaml', '--json');
  assert.deepEqual(JSON.parse(json.out).warnings.map((w: { group: string }) => w.group), ['process-spawn', 'network-client', 'network-server']);
  for (const name of ['coder', 'researcher', 'web-agent']) {
    const clean = await run(root, 'manifest', 'validate', join(examples, `${name}.yaml`));
    assert.equal(clean.code, 0);
    assert.equal(clean.err, '', `${name} warns: ${clean.err}`);
  }
  // Without programs or destinations no bridge listens: @network-server is not asked for.
  writeFileSync(join(root, 'loop.yaml'), 'version: 1\nidentity: {name: loop, operator: o}\nsyscalls: ["@base", "@file-read", "@process-spawn", "@network-client"]\nresources: { cpu: 1, memory: 1GiB, ioBandwidth: 20MiB/s, pids: 64, networkThroughput: 1MiB/s }\nlifetime: {ttl: 1h}\n');
  assert.equal((await run(root, 'manifest', 'validate', 'loop.yaml')).err, '');
});

test('explain says which tier the agent gets here: the system policy in octant.yaml raises it; twin: without a policy, namespaces', async (t) => {
  const root = tempRoot(t);
  const before = await run(root, 'manifest', 'explain', join(examples, 'researcher.yaml'));
  assert.equal(before.code, 0, before.err);
  assert.match(before.out, /^Isolation: the namespaces tier/m);
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'octant.yaml'), 'services:\n  agents:\n    gvisorRoles: [researcher]\n');
  const after = await run(root, 'manifest', 'explain', join(examples, 'researcher.yaml'));
  assert.match(after.out, /^Isolation: the gVisor tier .*by the system policy/m);
  assert.match((await run(root, 'manifest', 'explain', join(examples, 'coder.yaml'))).out, /^Isolation: the namespaces tier/m, 'another role is not affected');
});

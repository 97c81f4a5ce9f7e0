// T4 configured from octant.yaml, through the shipped executable: a system
// booted by dist/octant with its graph on a real PostgreSQL server (a
// throwaway cluster on 127.0.0.1, SCRAM over TLS verify-full, the password
// from the vault by name) and extraction by a model (a fake OpenAI-format
// provider over HTTP on 127.0.0.1, through the router).
//   - an agent's relate and put reach PostgreSQL (rows read back there), and
//     its search finds them;
//   - its manifest grants memory.remoteExtractor: the model's checked answer
//     replaces the rules' rows; a twin agent without the grant sends nothing;
//   - a wrong password, and a postgres backend without a host, refuse to
//     start the service with an error naming the cause (no fallback to SQLite).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootLayout, type Paths } from '../../src/runtime/paths.ts';
import { openLedger, ledgerDir, readLedger } from '../../src/services/ledger/api.ts';
import { initVault } from '../../src/services/vault/api.ts';
import { saveConfig } from '../../src/services/router/api.ts';
import { startFakeOpenAI } from '../../src/services/router/testing/fake-openai.ts';
import type { FakeProvider } from '../../src/services/router/testing/fake-server.ts';
import { pgSkip, startPgCluster, type PgCluster } from '../../src/services/context/testing/pg-cluster.ts';
import { bootSystem, stopSystem } from '../support/agent-memory.ts';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';

const skip = agentSkip || pgSkip || false;
if (skip) console.log(`# skipping T4 on PostgreSQL through dist/octant: ${skip}`);

const PASSWORD = 'graph-exe-password-51c9';
const TEXT = 'Priya Raman joined the chess club of Bank of America last week.';
const ANSWER = JSON.stringify({
  entities: [{ name: 'Priya Raman' }, { name: 'chess club' }, { name: 'Bank of America' }],
  relations: [{ subject: 'Priya Raman', relation: 'member_of', object: 'chess club' }],
});

let root: string;
let paths: Paths;
let cluster: PgCluster | undefined;
let fake: FakeProvider | undefined;
let system: ChildProcess | undefined;
let db: Awaited<ReturnType<PgCluster['connect']>> | undefined;

const env = () => ({ PATH: '/usr/bin:/bin', HOME: root });

function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(OCTANT, ['--root', root, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function ok(args: Promise<{ status: number | null; stdout: string; stderr: string }>): Promise<string> {
  const r = await args;
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function graphConfig(extra: string): string {
  return `services:
  vault:
    keyFile: ${join(paths.etc, 'vault.key')}
  context:
    extractor: { deployment: extractor }
    graph:
${extra}
`;
}

async function sign(name: string, memory: string): Promise<string> {
  const yaml = join(root, `${name}.yaml`);
  writeFileSync(yaml, `version: 1
identity: { name: ${name}, operator: ops@example.com }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
governance: { critical: [] }
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
memory: ${memory}
`);
  await ok(run('manifest', 'sign', yaml, '--key', join(paths.etc, 'keys', 'private', 'ops.key'), '--out', join(root, `${name}.json`)));
  return join(root, `${name}.json`);
}

async function script(signed: string, steps: { tool: string; args: unknown }[]): Promise<{ ok: boolean; result?: unknown }[]> {
  const file = join(root, `script-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(steps));
  const report = JSON.parse(await ok(run('run', signed, '--script', file, '--json'))) as { record: { aid: string } };
  const transcript = readFileSync(join(root, 'lib', 'agents', report.record.aid, 'transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; reply?: { ok: boolean; result?: unknown } });
  return transcript.filter((l) => l.type === 'tool').map((l) => l.reply!);
}

const boot = (): Promise<ChildProcess> => bootSystem(OCTANT, root, { env: env() });

async function stop(): Promise<void> {
  await stopSystem(system);
  system = undefined;
}

const edgesOf = async (partition: string): Promise<string[]> =>
  (await db!.all('SELECT subject, relation, object FROM t4_edges WHERE partition = ? ORDER BY subject, relation, object', [partition])).map((r) => `${String(r.subject)} -${String(r.relation)}-> ${String(r.object)}`);

before(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'octant-graph-bin-'));
  chmodSync(root, 0o755);
  paths = rootLayout(root);
  cluster = await startPgCluster(PASSWORD);
  db = await cluster.connect();
  fake = await startFakeOpenAI();
  await saveConfig(paths, {
    deployments: [{ id: 'extractor', provider: 'openai', model: 'extract-small', baseUrl: `${fake.origin}/v1`, price: { input: 0.1, output: 0.2 }, contextWindow: 32_000, capabilities: { tools: false, vision: false, json: true }, tier: 1 }],
    routes: [],
  });
  await ok(run('keys', 'generate', '--name', 'ops'));
  // The vault, with a key file so the booted system unseals it: the server's
  // password bound to its host:port, granted to the context service; and a wrong one.
  const ledger = await openLedger(paths);
  const { vault } = await initVault(paths, ledger, { passphrase: Buffer.from('graph tests'), keyFile: join(paths.etc, 'vault.key'), kdf: { passes: 1, memoryKiB: 8192, parallelism: 1 } });
  await vault.unseal({ keyFile: join(paths.etc, 'vault.key') });
  const hosts = [`127.0.0.1:${cluster.port}`];
  await vault.put('pg-graph', Buffer.from(PASSWORD), { kind: 'basic', username: 'octant', hosts });
  await vault.grant('pg-graph', 'agent:context');
  await vault.put('pg-wrong', Buffer.from('not-the-password'), { kind: 'basic', username: 'octant', hosts });
  await vault.grant('pg-wrong', 'agent:context');
  await vault.seal();
  await ledger.close();
  writeFileSync(join(paths.etc, 'pg-ca.pem'), cluster.ca);
});

after(async () => {
  if (skip) return;
  await stop();
  await db?.close();
  await cluster?.stop();
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

const POSTGRES = (secret: string) => `      backend: postgres
      host: 127.0.0.1
      port: ${cluster!.port}
      database: postgres
      user: octant
      passwordSecret: ${secret}
      tls: verify-full
      ca: ${join(paths.etc, 'pg-ca.pem')}`;

test('the graph on PostgreSQL from octant.yaml: relate and put reach it, search finds them; extraction by a model only for the granted agent', { skip, timeout: 240_000 }, async () => {
  writeFileSync(join(paths.etc, 'octant.yaml'), graphConfig(POSTGRES('pg-graph')));
  system = await boot();
  fake!.script({ kind: 'ok', text: ANSWER });
  const granted = await sign('grapher', '{ remoteExtractor: extractor }');
  const replies = await script(granted, [
    { tool: 'memory.relate', args: { from: 'Priya Raman', relation: 'mentors', to: 'Tomas Berg' } },
    { tool: 'memory.put', args: { text: TEXT } },
    { tool: 'memory.search', args: { query: 'who does Priya Raman mentor' } },
  ]);
  assert.ok(replies.every((r) => r.ok), JSON.stringify(replies));
  assert.match(JSON.stringify(replies[2].result), /mentors/);
  // The rows are in PostgreSQL: the relation stated, then the model's extraction of the note.
  let edges: string[] = [];
  for (let i = 0; i < 100 && !edges.includes('priya raman -member_of-> chess club'); i++) {
    edges = await edgesOf('grapher');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(edges, ['priya raman -member_of-> chess club', 'priya raman -mentors-> tomas berg']);
  const sent = fake!.requests.filter((r) => JSON.stringify(r.body).includes('chess club'));
  assert.equal(sent.length, 1);
  const entries = readLedger(ledgerDir(paths), { keepEntries: true }).replay.entries;
  assert.ok(entries.some((e) => e.action === 'memory.extractor' && e.target === 'memory:grapher' && e.decision === 'allow'));
  assert.ok(entries.some((e) => e.action === 'memory.extract.done' && e.target === 'memory:grapher'));
  // Nothing of T4 went to the SQLite file: it holds no graph table rows.
  assert.equal(readFileSync(join(root, 'lib', 'memory', 'recall', 'tiers.sqlite')).includes('chess club'), false);

  // The twin without the grant: its memory goes to no model; the rules index it in PostgreSQL.
  const before = fake!.requests.length;
  const plain = await sign('plain', '{}');
  assert.ok((await script(plain, [{ tool: 'memory.put', args: { text: 'Ilse Kovac joined Northwind Traders in May.' } }])).every((r) => r.ok));
  assert.deepEqual(await edgesOf('plain'), ['ilse kovac -works_at-> northwind traders']);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(fake!.requests.slice(before).some((r) => JSON.stringify(r.body).includes('Northwind')), false);
  await stop();
});

test('a wrong password, or a postgres backend without a host, refuses to start: the error names the cause, nothing falls back to SQLite', { skip, timeout: 240_000 }, async () => {
  writeFileSync(join(paths.etc, 'octant.yaml'), graphConfig(POSTGRES('pg-wrong')));
  const wrong = await run('boot');
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stdout + wrong.stderr, /refused the login of "octant" with the password of the vault secret "pg-wrong" \(SQLSTATE 28P01\)/);
  assert.equal((wrong.stdout + wrong.stderr).includes('not-the-password'), false, 'the password is in no output');
  writeFileSync(join(paths.etc, 'octant.yaml'), graphConfig('      backend: postgres\n      database: postgres\n      user: octant\n      passwordSecret: pg-graph'));
  const missing = await run('boot');
  assert.notEqual(missing.status, 0);
  assert.match(missing.stdout + missing.stderr, /services\.context\.graph\.host: required when backend is postgres/);
  // The twin: the right secret boots (the first test), and so does the default backend.
  writeFileSync(join(paths.etc, 'octant.yaml'), graphConfig('      backend: sqlite'));
  system = await boot();
  await stop();
});

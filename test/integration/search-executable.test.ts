// The search service through the shipped executable: a booted dist/octant,
// `octant search` through its admin API, and real sandboxed agents calling
// search.query through their gateway: what the manifest grants works, an
// injected query for an engine it does not grant is refused and recorded.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';
import { readLedger } from '../../src/services/ledger/api.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping search through dist/octant: ${skip}`);

let root = '';
let work = '';
let system: ChildProcess | undefined;

function octant(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function sign(name: string, body: string): string {
  writeFileSync(join(work, `${name}.yaml`), `version: 1
identity: { name: ${name}, operator: ops@example.com }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
governance: { critical: [] }
${body}`);
  const signed = octant('manifest', 'sign', join(work, `${name}.yaml`), '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', join(work, `${name}.json`));
  assert.equal(signed.code, 0, signed.out + signed.err);
  return join(work, `${name}.json`);
}

function plan(name: string, steps: unknown[]): string {
  const path = join(work, `plan-${name}.json`);
  writeFileSync(path, JSON.stringify(steps));
  return path;
}

function entriesOf(aid: string) {
  return readLedger(join(root, 'lib', 'ledger'), { keepEntries: true }).replay.entries.filter((e) => e.agent === aid);
}

const aidOf = (out: string): string => /agt_[0-9A-Za-z]+/.exec(out)?.[0] ?? '';

before(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'octant-search-e2e-'));
  work = mkdtempSync(join(tmpdir(), 'octant-search-e2e-work-'));
  chmodSync(work, 0o755);
  assert.equal(octant('keys', 'generate', '--name', 'ops').code, 0);
  system = spawn(OCTANT, ['--root', root, 'boot'], { stdio: 'ignore' });
  for (let i = 0; i < 300 && octant('status').code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
});

after(async () => {
  if (skip) return;
  system?.kill('SIGTERM');
  if (system && system.exitCode === null) await new Promise((r) => system!.once('exit', r));
  if (process.env.KEEP_ROOT) console.log('# root', root); else rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

test('index a folder through the running system (its worker pool inside dist/octant), query it, list and stats', { skip }, () => {
  const folder = join(work, 'notes');
  mkdirSync(folder);
  writeFileSync(join(folder, 'wing.md'), '# Wing design\nThe boundary layer thickens along the wing chord.\n');
  writeFileSync(join(folder, 'pump.txt'), 'Centrifugal pumps and impellers.\n');
  const added = octant('search', 'index', 'add', 'notes', '--path', folder, '--json');
  assert.equal(added.code, 0, added.err);
  const last = JSON.parse(added.out.trim().split('\n').at(-1)!);
  assert.equal(last.type, 'done');
  assert.equal(last.result.added, 2);
  const found = JSON.parse(octant('search', 'query', '"boundary layer"', '--json').out);
  assert.deepEqual(found.hits.map((h: { engine: string; title: string }) => [h.engine, h.title]), [['notes', 'Wing design (wing.md)']]);
  assert.match(found.hits[0].snippet, /«boundary» «layer»/);
  assert.match(octant('search', 'index', 'list').out, /^notes +files +2 docs/m);
  assert.equal(JSON.parse(octant('search', 'stats', '--json').out).indexes[0].stats.docs, 2);
});

test('octant search engines, stats and a ledger query through the running system', { skip }, () => {
  const engines = octant('search', 'engines', '--json');
  assert.equal(engines.code, 0, engines.err);
  const list = JSON.parse(engines.out);
  assert.ok(list.engines.some((e: { name: string; operatorOnly: boolean }) => e.name === 'ledger' && e.operatorOnly));
  assert.equal(list.counts.tested, list.engines.filter((e: { kind: string; tested: boolean }) => e.kind === 'remote' && e.tested).length, 'the count is the count of tested remote engines');
  const found = octant('search', 'query', 'keys generate', '--engine', 'ledger');
  assert.equal(found.code, 0, found.err);
  const stats = JSON.parse(octant('search', 'stats', '--json').out);
  assert.equal(stats.queries.total, 2, 'the running service answered the queries');
  const unknown = octant('search', 'query', 'x', '--engine', 'nosuch');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /E_SEARCH_ENGINE_UNKNOWN/);
});

test('an agent in a real sandbox: a query of the index its manifest grants is answered, redacted and recorded first', { skip }, () => {
  const manifest = sign('reader', 'search: { indexes: [notes] }\n');
  const run = octant('run', manifest, '--script', plan('granted', [{ tool: 'search.query', args: { query: 'boundary layer', indexes: ['notes'] } }]));
  const aid = aidOf(run.out + run.err);
  assert.ok(aid !== '', run.out + run.err);
  const entries = entriesOf(aid).filter((e) => e.action.startsWith('search.query'));
  assert.deepEqual(entries.map((e) => [e.action, e.decision]), [['search.query', 'allow'], ['search.query.done', 'ok']]);
  assert.deepEqual(entries[0].detail.engines, ['notes']);
  assert.ok(Number(entries[1].detail.bytes) > 0);
});

test('an agent in a real sandbox: an injected query for an engine its manifest does not grant is refused and in the ledger', { skip }, () => {
  const manifest = sign('searcher', 'search: { indexes: [notes] }\n');
  const run = octant('run', manifest, '--script', plan('injected', [
    { tool: 'search.query', args: { query: 'exfiltrate hunter2', engines: ['wikipedia'] } },
    { tool: 'search.query', args: { query: 'the audit trail', indexes: ['ledger'] } },
  ]));
  const aid = aidOf(run.out + run.err);
  assert.ok(aid !== '', run.out + run.err);
  const refused = entriesOf(aid).filter((e) => e.action === 'search.query');
  assert.deepEqual(refused.map((e) => [e.target, e.decision, e.detail.code]), [
    ['exfiltrate hunter2', 'deny', 'E_TOOL_DENIED'],
    ['the audit trail', 'deny', 'E_TOOL_DENIED'],
  ]);
  assert.match(String(refused[0].detail.reason), /engines\[0\]: wikipedia is not a remote engine this agent may query/);
  assert.equal(entriesOf(aid).filter((e) => e.action === 'search.query.done').length, 0, 'nothing ran');
});

// octant search through a running system (the real search and ledger
// services, a vault that redacts a known secret) and without one (the same
// code in this process): each query is in the ledger before its outcome,
// hits are redacted, refusals name the argument and exit as documented.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/errors.ts';
import { silentLogger } from '../../runtime/log.ts';
import { rootLayout, type Paths } from '../../runtime/paths.ts';
import { ledgerService, readLedger, ledgerDir, recordEvent } from '../../services/ledger/api.ts';
import { searchService } from '../../services/search/api.ts';
import { Redactor, REDACTED } from '../../services/vault/api.ts';
import { fixedService } from '../../../test/support/fixed-service.ts';
import { octantCli } from '../../../test/support/octant-cli.ts';
import { serviceTable } from '../service-table.ts';
import { startSystem, type RunningSystem } from '../system.ts';

const SECRET = 'sk-live-51Hs3cr3tV4lu3N0tF0rAg3nts';

let root: string;
let paths: Paths;
let system: RunningSystem;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'octant-search-cli-'));
  paths = rootLayout(root);
  const redactor = new Redactor();
  redactor.add(SECRET);
  const vault = { redact: (t: string) => redactor.redact(t), redactAsync: (t: string) => redactor.redactAsync(t) };
  const services = serviceTable({ ledger: ledgerService, vault: fixedService('vault', [], vault), search: searchService });
  system = await startSystem({ paths, log: silentLogger, services });
  await system.ready;
  // Something worth finding, with a secret in it (an agent once read it).
  await recordEvent(paths, { agent: 'agt_reader', lineage: [], kind: 'action', action: 'fs.read', target: '/data/quarterly-report.md', decision: 'allow', detail: { note: `key ${SECRET}` } });
});

after(async () => {
  await system?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('search query through the running system: the ledger engine finds the entry; the secret is redacted; the query is recorded before its outcome', async () => {
  const run = await octantCli(root, 'search', 'query', 'quarterly-report', '--engine', 'ledger', '--json');
  assert.equal(run.code, 0, run.err);
  const result = JSON.parse(run.out);
  assert.equal(result.hits.length, 1);
  assert.match(result.hits[0].snippet, /«quarterly-report»/);
  assert.ok(!run.out.includes(SECRET), 'the secret never reaches the operator\'s screen');
  assert.ok(run.out.includes(REDACTED));
  const entries = readLedger(ledgerDir(paths), { keepEntries: true }).scan.records.length;
  assert.ok(entries >= 3);
  const text = await octantCli(root, 'search', 'query', 'quarterly-report', '--engine', 'ledger');
  assert.match(text.out, /1\. #\d+ agt_reader fs\.read allow {2}\[ledger\]/);
  assert.match(text.out, /1-1 of 1 hit\(s\) from 1 engine\(s\)/);
});

test('the query is in the ledger first: allow, then its outcome; operators\' queries are found only when asked for (kind:search)', async () => {
  await octantCli(root, 'search', 'query', 'needle-7', '--engine', 'ledger');
  assert.equal(JSON.parse((await octantCli(root, 'search', 'query', 'needle-7', '--engine', 'ledger', '--json')).out).hits.length, 0);
  const found = await octantCli(root, 'search', 'query', 'needle-7 kind:search', '--engine', 'ledger', '--json');
  const actions = JSON.parse(found.out).hits.map((h: { meta: { action: string; decision: string } }) => `${h.meta.action}:${h.meta.decision}`);
  // The two earlier queries' entries, and this query's own allow (written before it ran).
  assert.deepEqual([...actions].sort(), ['search.query.done:ok', 'search.query.done:ok', 'search.query:allow', 'search.query:allow', 'search.query:allow']);
});

test('engines and stats: the honest count; queries counted by the running service', async () => {
  const engines = await octantCli(root, 'search', 'engines', '--json');
  assert.equal(engines.code, 0, engines.err);
  const list = JSON.parse(engines.out);
  assert.deepEqual(list.engines.find((e: { name: string }) => e.name === 'ledger'), { name: 'ledger', kind: 'local', category: 'ledger', description: 'the ledger: every action, decision and outcome (operators only)', hosts: [], operatorOnly: true, tested: true });
  assert.equal(list.counts.tested, list.engines.filter((e: { kind: string; tested: boolean }) => e.kind === 'remote' && e.tested).length);
  const stats = JSON.parse((await octantCli(root, 'search', 'stats', '--json')).out);
  assert.ok(stats.queries.total >= 2, JSON.stringify(stats));
  const human = await octantCli(root, 'search', 'engines');
  assert.match(human.out, /^ledger +local +ledger +tested, operators only$/m);
});

test('search index add, query, rebuild, rm through the running system: NDJSON progress, incremental rebuild, each change in the ledger', async () => {
  const folder = join(root, 'notes');
  mkdirSync(folder);
  writeFileSync(join(folder, 'deploy.md'), '# Deploy notes\nThe boundary layer deploy rotates tokens.\n');
  writeFileSync(join(folder, 'turbine.txt'), 'Turbine blades and nothing else.\n');
  const added = await octantCli(root, 'search', 'index', 'add', 'notes', '--path', folder, '--json');
  assert.equal(added.code, 0, added.err);
  const events = added.out.trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(events.some((e) => e.type === 'progress' && e.phase === 'indexing'), added.out);
  assert.deepEqual(events.at(-1), { ...events.at(-1), type: 'done', index: 'notes' });
  assert.equal(events.at(-1).result.added, 2);
  const hits = JSON.parse((await octantCli(root, 'search', 'query', 'boundary layers', '--json')).out);
  assert.deepEqual(hits.hits.map((h: { engine: string; url: string }) => [h.engine, h.url]), [['notes', join(folder, 'deploy.md')]]);
  // Incremental: one file changed, one gone.
  writeFileSync(join(folder, 'turbine.txt'), 'Turbine blades and a boundary layer.\n');
  rmSync(join(folder, 'deploy.md'));
  const rebuilt = await octantCli(root, 'search', 'index', 'rebuild', 'notes');
  assert.equal(rebuilt.code, 0, rebuilt.err);
  assert.match(rebuilt.out, /notes: 1 unit\(s\): 0 added, 1 changed, 0 unchanged, 1 removed, 0 failed/);
  const list = await octantCli(root, 'search', 'index', 'list');
  assert.match(list.out, /^notes +files +1 docs/m);
  const stats = JSON.parse((await octantCli(root, 'search', 'stats', '--json')).out);
  assert.equal(stats.indexes[0].name, 'notes');
  // Names an index may not take, and an unknown one.
  const taken = await octantCli(root, 'search', 'index', 'add', 'ledger', '--path', folder);
  assert.equal(taken.code, EXIT.usage);
  assert.match(taken.err, /E_SEARCH_CORPUS_NAME/);
  assert.equal((await octantCli(root, 'search', 'index', 'rebuild', 'nosuch')).code, EXIT.failure);
  const removed = await octantCli(root, 'search', 'index', 'rm', 'notes');
  assert.equal(removed.code, 0, removed.err);
  assert.equal(JSON.parse((await octantCli(root, 'search', 'index', 'list', '--json')).out).length, 0);
  const ledger = JSON.parse((await octantCli(root, 'search', 'query', 'notes kind:search', '--engine', 'ledger', '--json', '--limit', '50')).out);
  const actions = ledger.hits.map((h: { meta: { action: string; decision: string } }) => `${h.meta.action}:${h.meta.decision}`);
  for (const a of ['search.index.add:allow', 'search.index.done:ok', 'search.index.rebuild:allow', 'search.index.rm:allow']) assert.ok(actions.includes(a), `${a} in ${actions.join(' ')}`);
});

test('refusals name the argument: unknown engine, remote without --remote, bad limit, two words unquoted', async () => {
  const unknown = await octantCli(root, 'search', 'query', 'x', '--engine', 'nosuch');
  assert.equal(unknown.code, EXIT.usage);
  assert.match(unknown.err, /engines\[0\]: no engine or index named "nosuch"/);
  const limit = await octantCli(root, 'search', 'query', 'x', '--limit', '0');
  assert.equal(limit.code, EXIT.usage);
  assert.match(limit.err, /limit/);
  const words = await octantCli(root, 'search', 'query', 'two', 'words');
  assert.equal(words.code, EXIT.usage);
  assert.match(words.err, /quote it/);
});

test('without a running system the same search runs here and records the query in the ledger', async () => {
  const offline = mkdtempSync(join(tmpdir(), 'octant-search-offline-'));
  try {
    await recordEvent(rootLayout(offline), { agent: 'agt_x', lineage: [], kind: 'action', action: 'http.fetch', target: 'https://example.org/offline-page', decision: 'allow', detail: {} });
    const run = await octantCli(offline, 'search', 'query', 'offline-page', '--engine', 'ledger', '--json');
    assert.equal(run.code, 0, run.err);
    assert.equal(JSON.parse(run.out).hits[0].meta.action, 'http.fetch');
    const log = readLedger(ledgerDir(rootLayout(offline)), { keepEntries: true });
    assert.equal(log.scan.records.length, 3, 'the event, the query, its outcome');
    const engines = await octantCli(offline, 'search', 'engines');
    assert.match(engines.out, /^1 local, \d+ remote engine\(s\) \(\d+ remote with tests\)$/m);
  } finally {
    rmSync(offline, { recursive: true, force: true });
  }
});

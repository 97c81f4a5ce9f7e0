// Agents' memory through the shipped executable: a system booted by
// dist/octant, agents run by `octant run` in real sandboxes (the built-in
// loop is dist/octant itself), `octant memory` for the operator, and a fake
// LLM provider speaking the OpenAI Chat Completions wire format over real
// HTTP on 127.0.0.1.
//   - the memory tools from a sandboxed agent: a secret it stores is
//     redacted before it is stored (no byte of the memory files holds it);
//   - partitions: B cannot read A without a grant on both sides; with it,
//     it reads, and the sharing and the read are in the ledger;
//   - forget through the CLI: no search finds it, no byte of the files holds it;
//     export and import into another agent's partition;
//   - compaction: a fact read early in a long task is still used after the
//     turn that held it was compacted away; without memory it is lost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootLayout } from '../../src/runtime/paths.ts';
import { saveConfig } from '../../src/services/router/api.ts';
import { ledgerDir, readLedger, type LedgerEntry } from '../../src/services/ledger/api.ts';
import { bootSystem, signedManifest, stopSystem } from '../support/agent-memory.ts';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping agents' memory through dist/octant: ${skip}`);

const GITHUB_TOKEN = `ghp_${'Q7'.repeat(18)}`;
const FACT = /launch code for project Falcon is (\d+)/;

let root: string;
let system: ChildProcess | undefined;
let provider: Server | undefined;
/** What the fake model does with each request (the test sets it per agent run). */
let model: (messages: { role: string; content: string | null }[]) => { text?: string; call?: { name: string; arguments: unknown } } = () => ({ text: 'nothing to do' });
const requests: { role: string; content: string | null }[][] = [];

const octant = (...args: string[]) => spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: root } });

function ok(run: ReturnType<typeof octant>): string {
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** Sign a manifest for `name` with the given extra YAML and return its path. */
const manifest = (name: string, extra: string): string => signedManifest(octant, root, name, extra);

interface Report { record: { aid: string; exit: { code: number | null } | null }; result?: { reason: string; answer: string | null; calls: number; refused: number; compactions: number }; entries: LedgerEntry[] }

/** Run a scripted agent (no model) and return its report. */
function script(signed: string, steps: { tool: string; args: unknown }[]): Report {
  const file = join(root, `script-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(steps));
  return JSON.parse(ok(octant('run', signed, '--script', file, '--json'))) as Report;
}

function replies(report: Report, aid = report.record.aid): Record<string, unknown>[] {
  const transcript = readFileSync(join(root, 'lib', 'agents', aid, 'transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return transcript.filter((l) => l.type === 'tool').map((l) => l.reply as Record<string, unknown>);
}

function ledger(): LedgerEntry[] {
  return readLedger(ledgerDir(rootLayout(root)), { keepEntries: true }).replay.entries;
}

/** Every byte of the memory files: the partitions' SQLite files and WALs, the recall tiers' file. */
function memoryBytes(dir = join(root, 'lib', 'memory')): string {
  return readdirSync(dir, { withFileTypes: true }).map((f) => (f.isDirectory() ? memoryBytes(join(dir, f.name)) : readFileSync(join(dir, f.name)).toString('latin1'))).join('');
}

before(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'octant-memory-bin-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data', 'briefing.txt'), 'Briefing. The launch code for project Falcon is 7341. Keep it for the end of the task.\n');
  for (let i = 1; i <= 8; i++) writeFileSync(join(root, 'data', `log-${i}.txt`), `log ${i}: ${'routine telemetry, nothing of note. '.repeat(30)}\n`);
  // The fake provider: Chat Completions, answering what `model` decides for each request.
  provider = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      const request = JSON.parse(body) as { model: string; messages: { role: string; content: string | null }[] };
      requests.push(request.messages);
      const next = model(request.messages);
      const message = next.call === undefined
        ? { role: 'assistant', content: next.text ?? '', refusal: null }
        : { role: 'assistant', content: null, tool_calls: [{ id: `call_${requests.length}`, type: 'function', function: { name: next.call.name, arguments: JSON.stringify(next.call.arguments) } }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: `chatcmpl-${requests.length}`, object: 'chat.completion', created: 1_700_000_000, model: request.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: next.call === undefined ? 'stop' : 'tool_calls' }],
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      }));
    });
  });
  await new Promise<void>((r) => provider!.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  await saveConfig(rootLayout(root), {
    deployments: [{ id: 'local', provider: 'vllm', model: 'm-local', baseUrl: `${origin}/v1`, price: { input: 1, output: 1 }, contextWindow: 32_000, capabilities: { tools: true, vision: false, json: true }, tier: 2 }],
    routes: [],
  });
  ok(octant('keys', 'generate', '--name', 'ops'));
  // A low exact limit, so a partition of a few hundred memories runs on the HNSW graph (the T3 test below).
  writeFileSync(join(root, 'etc', 'octant.yaml'), 'services:\n  context:\n    vectorExactLimit: 200\n');
  system = await bootSystem(OCTANT, root);
});

after(async () => {
  if (skip) return;
  await stopSystem(system);
  provider?.closeAllConnections();
  provider?.close();
  rmSync(root, { recursive: true, force: true });
});

test('memory tools from a sandboxed agent: stored, pinned, searched; a secret it stores is redacted before it is stored', { skip, timeout: 180_000 }, () => {
  const alpha = manifest('alpha', 'memory: { shareWith: [beta] }');
  const report = script(alpha, [
    { tool: 'memory.put', args: { text: 'The vault combination is 31-14-15.', key: 'vault.combination', pinned: true } },
    { tool: 'memory.put', args: { text: `the CI token is ${GITHUB_TOKEN}` } },
    { tool: 'memory.search', args: { query: 'vault combination' } },
  ]);
  assert.equal(report.result?.reason, 'completed');
  assert.equal(report.result?.refused, 0, JSON.stringify(replies(report)));
  const [pinned, secret, found] = replies(report);
  assert.equal((pinned.result as { outcome: string }).outcome, 'created');
  assert.ok(!JSON.stringify(secret).includes(GITHUB_TOKEN) && JSON.stringify(secret).includes('[REDACTED]'), JSON.stringify(secret));
  assert.match(JSON.stringify(found), /31-14-15/);
  // No byte of the memory files, the ledger or the export holds the token.
  assert.ok(!memoryBytes().includes(GITHUB_TOKEN));
  assert.ok(!readFileSync(join(ledgerDir(rootLayout(root)), 'ledger.log'), 'latin1').includes(GITHUB_TOKEN));
  const exported = ok(octant('memory', 'export', 'alpha'));
  assert.ok(!exported.includes(GITHUB_TOKEN) && exported.includes('[REDACTED]'));
  // The operator sees it: list, search, stats (sharing declared at alpha's start).
  assert.match(ok(octant('memory', 'search', 'alpha', 'combination')), /vault.combination: The vault combination is 31-14-15/);
  const stats = JSON.parse(ok(octant('memory', 'stats', 'alpha', '--json'))) as { memories: number; pinned: number; sharedWith: string[] };
  assert.deepEqual([stats.memories, stats.pinned, stats.sharedWith], [2, 1, ['beta']]);
  // The ledger says what happened, never the content.
  const puts = report.entries.filter((e) => e.action === 'memory.put' && e.decision === 'allow');
  assert.equal(puts.length, 2);
  assert.ok(puts.every((e) => e.target === 'memory:alpha' && !JSON.stringify(e).includes('combination')));
});

test('a wrapped program reaches the same memory tools over its gateway socket (the same mediated path)', { skip, timeout: 180_000 }, () => {
  const yaml = join(root, 'wrapper.yaml');
  writeFileSync(yaml, `version: 1
identity: { name: wrapper, operator: ops@example.com }
processes: { exec: [/usr/bin/dash, /usr/bin/curl] }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
governance: { critical: [] }
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
memory: {}
`);
  ok(octant('manifest', 'sign', yaml, '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', join(root, 'wrapper.json')));
  const call = 'read -r T < "$OCTANT_TOKEN_FILE"; /usr/bin/curl -s --unix-socket "$OCTANT_GATEWAY" -H "authorization: Bearer $T" -H content-type:application/json '
    + `-d '{"text":"wrapped programs remember too, ${GITHUB_TOKEN}"}' http://gateway/octant/v1/tools/memory_put`;
  const out = ok(octant('run', join(root, 'wrapper.json'), '--', '/usr/bin/dash', '-c', call));
  assert.match(out, /"ok":true/);
  assert.ok(!out.includes(GITHUB_TOKEN));
  assert.match(ok(octant('memory', 'search', 'wrapper', 'wrapped programs')), /wrapped programs remember too, \[REDACTED\]/);
});

test('partitions: B reads A only with both grants; the sharing and the read are in the ledger; C (not shared with) is refused', { skip, timeout: 180_000 }, () => {
  const read = { tool: 'memory.search', args: { query: 'vault combination', partition: 'alpha' } };
  // No grant of its own: refused.
  const plain = script(manifest('beta', 'memory: {}'), [read]);
  assert.equal(plain.result?.refused, 1);
  assert.match(JSON.stringify(replies(plain)[0]), /does not ask to read alpha's memory/);
  // Asks, and alpha shares with beta: granted.
  const beta = script(manifest('beta', 'memory: { read: [alpha] }'), [read]);
  assert.equal(beta.result?.refused, 0, JSON.stringify(replies(beta)));
  assert.match(JSON.stringify(replies(beta)[0]), /31-14-15/);
  // (The loop's own recall each step searches beta's partition; the shared read is the one on alpha.)
  const shared = beta.entries.find((e) => e.action === 'memory.search' && e.decision === 'allow' && e.target === 'memory:alpha');
  assert.equal(shared?.detail.shared, true);
  assert.ok(ledger().some((e) => e.action === 'memory.share' && e.target === 'alpha' && JSON.stringify(e.detail.readers) === '["beta"]'));
  // Its own partition holds nothing of alpha's.
  const own = script(manifest('beta', 'memory: { read: [alpha] }'), [{ tool: 'memory.search', args: { query: 'vault combination' } }]);
  assert.deepEqual(replies(own)[0], { ok: true, result: { hits: [] } });
  // gamma asks, but alpha does not share with it.
  const gamma = script(manifest('gamma', 'memory: { read: [alpha] }'), [read]);
  assert.equal(gamma.result?.refused, 1);
  assert.match(JSON.stringify(replies(gamma)[0]), /alpha does not share its memory with gamma/);
  // An agent without a memory domain is offered no memory tool at all.
  const none = script(manifest('delta-none', ''), [read]);
  assert.match(JSON.stringify(replies(none)[0]), /E_TOOL_UNKNOWN|has no memory/);
});

test('forget through the CLI: in no search hit and no byte of the files; export and import into another partition', { skip, timeout: 180_000 }, () => {
  const exportFile = join(root, 'alpha.jsonl');
  ok(octant('memory', 'export', 'alpha', '--out', exportFile));
  assert.match(ok(octant('memory', 'forget', 'alpha', '--key', 'vault.combination')), /forgot 1 memory of alpha/);
  // Vectors always have nearest neighbours: what matters is that the forgotten memory is in no hit.
  const after = JSON.parse(ok(octant('memory', 'search', 'alpha', 'vault combination', '--json'))) as { memory: { text: string } }[];
  assert.ok(after.every((h) => !h.memory.text.includes('31-14-15')), JSON.stringify(after));
  assert.equal(octant('memory', 'get', 'alpha', '--key', 'vault.combination').status, 1);
  assert.ok(ledger().some((e) => e.action === 'memory.forget' && e.target === 'alpha' && e.agent === 'operator'));
  // Not in any byte of the files either (FTS index included).
  assert.ok(!memoryBytes().includes('31-14-15'));
  // Import the export into another agent's partition.
  const imported = JSON.parse(ok(octant('memory', 'import', 'epsilon', exportFile, '--json'))) as { imported: number };
  assert.equal(imported.imported, 2);
  assert.match(ok(octant('memory', 'search', 'epsilon', 'combination')), /31-14-15/);
  // A bad file is refused naming what is wrong, and nothing is half-written.
  writeFileSync(join(root, 'bad.jsonl'), '{"format":"something-else"}\n{"id":"x"}\n');
  const bad = octant('memory', 'import', 'zeta', join(root, 'bad.jsonl'));
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /line|format/);
  assert.equal(JSON.parse(ok(octant('memory', 'list', '--json'))).some((s: { partition: string; memories: number }) => s.partition === 'zeta' && s.memories > 0), false);
});

test('a bulk import through the CLI reaches T4 through the workers (graph-extract): the second hop is found by the graph', { skip, timeout: 180_000 }, () => {
  // More memories than T4 extracts in place: the recall tiers' workers of the executable extract them.
  const at = 1_700_000_000_000;
  const turns = [
    ...Array.from({ length: 150 }, (_, i) => `Filler note ${i} about the weather and groceries.`),
    'My colleague Priya Raman works at Quantix Labs.',
    'Quantix Labs is based in Lisbon.',
  ];
  const lines = [
    JSON.stringify({ format: 'octant-memory', version: 1, partition: 'eta', exportedAt: at, memories: turns.length }),
    ...turns.map((text, i) => JSON.stringify({ id: `bulk-${i}`, kind: 'turn', text, importance: 0.5, pinned: false, createdAt: at + i, versions: [{ validFrom: at + i, recordedAt: at + i }] })),
  ];
  writeFileSync(join(root, 'bulk.jsonl'), `${lines.join('\n')}\n`);
  assert.equal((JSON.parse(ok(octant('memory', 'import', 'eta', join(root, 'bulk.jsonl'), '--json'))) as { imported: number }).imported, turns.length);
  const hits = JSON.parse(ok(octant('memory', 'search', 'eta', 'In which city is the company Priya works for based?', '--json'))) as { memory: { id: string }; tiers: string[] }[];
  const hq = hits.find((h) => h.memory.id === `bulk-${turns.length - 1}`);
  assert.ok(hq !== undefined && hq.tiers.includes('t4'), JSON.stringify(hits.slice(0, 5)));
});

test('past services.context.vectorExactLimit an agent\'s T3 index is an HNSW graph, built in the workers and saved; recall finds through it', { skip, timeout: 240_000 }, async () => {
  const at = 1_700_000_000_000;
  const topics = ['kayak trips', 'sourdough', 'chess openings', 'violin practice', 'tax forms'];
  const turns = Array.from({ length: 400 }, (_, i) => `note ${i} about ${topics[i % topics.length]} with friend number ${i}`);
  turns[123] = 'The greenhouse thermostat password rotates every Tuesday.';
  const lines = [
    JSON.stringify({ format: 'octant-memory', version: 1, partition: 'theta', exportedAt: at, memories: turns.length }),
    ...turns.map((text, i) => JSON.stringify({ id: `theta-${i}`, kind: 'turn', text, importance: 0.5, pinned: false, createdAt: at + i, versions: [{ validFrom: at + i, recordedAt: at + i }] })),
  ];
  writeFileSync(join(root, 'theta.jsonl'), `${lines.join('\n')}\n`);
  assert.equal((JSON.parse(ok(octant('memory', 'import', 'theta', join(root, 'theta.jsonl'), '--json'))) as { imported: number }).imported, turns.length);
  // 400 > 200: the graph is built in a worker after the import and saved as soon as it is built.
  const db = new DatabaseSync(join(root, 'lib', 'memory', 'recall', 'tiers.sqlite'), { readOnly: true });
  let saved: { ids: string } | undefined;
  try {
    for (let i = 0; i < 1200 && saved === undefined; i++) {
      const row = db.prepare("SELECT ids FROM t3_graphs WHERE partition = 'theta'").get();
      if (row === undefined) await sleep(100);
      else saved = { ids: String(row.ids) };
    }
  } finally {
    db.close();
  }
  assert.ok(saved !== undefined, 'no HNSW graph was saved for theta');
  assert.equal((JSON.parse(saved.ids) as string[]).length, turns.length);
  const hits = JSON.parse(ok(octant('memory', 'search', 'theta', 'greenhouse thermostat password', '--json'))) as { memory: { id: string }; tiers: string[] }[];
  assert.equal(hits[0]?.memory.id, 'theta-123', JSON.stringify(hits.slice(0, 3)));
  assert.ok(hits[0].tiers.includes('t3'), JSON.stringify(hits[0]));
  // Its twin below the limit: 'eta' (152 memories) has no graph.
  const check = new DatabaseSync(join(root, 'lib', 'memory', 'recall', 'tiers.sqlite'), { readOnly: true });
  try {
    assert.equal(check.prepare("SELECT count(*) AS n FROM t3_graphs WHERE partition = 'eta'").get()!.n, 0);
  } finally {
    check.close();
  }
});

/** `octant ...` without blocking this process: the fake provider here must answer while it runs. */
function octantAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(OCTANT, ['--root', root, ...args], { env: { PATH: '/usr/bin:/bin', HOME: root }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

function falconModel(fillers: number): typeof model {
  let step = 0;
  return (messages) => {
    step++;
    if (step === 1) return { call: { name: 'fs_read', arguments: { path: join(root, 'data', 'briefing.txt') } } };
    if (step <= fillers + 1) return { call: { name: 'fs_read', arguments: { path: join(root, 'data', `log-${step - 1}.txt`) } } };
    // A model that uses what its context holds.
    const code = FACT.exec(JSON.stringify(messages))?.[1];
    return { text: code === undefined ? 'I do not know the launch code.' : `The launch code is ${code}.` };
  };
}

test('compaction: a fact read early in a long task is still used after its turn was compacted away; without memory it is lost', { skip, timeout: 240_000 }, async () => {
  const task = 'Read the briefing, then the eight logs, then tell me the launch code for project Falcon.';
  const run = async (signed: string): Promise<Report> => {
    const done = await octantAsync('run', signed, '--task', task, '--model', 'local', '--max-steps', '20', '--context-chars', '4000', '--json');
    assert.equal(done.status, 0, `${done.stdout}\n${done.stderr}`);
    return JSON.parse(done.stdout) as Report;
  };
  model = falconModel(8);
  const before = requests.length;
  const remembered = await run(manifest('falcon', 'memory: {}'));
  assert.equal(remembered.result?.reason, 'completed');
  assert.ok((remembered.result?.compactions ?? 0) >= 1, JSON.stringify(remembered.result));
  assert.equal(remembered.result?.answer, 'The launch code is 7341.');
  // The last request the model saw no longer held the briefing turn, only the memory retrieved for the step.
  const last = requests.at(-1)!;
  assert.ok(requests.length - before >= 10);
  assert.ok(!last.some((m) => m.role === 'tool' && FACT.test(m.content ?? '')));
  assert.ok(last.some((m) => m.role === 'system' && (m.content ?? '').startsWith('From your memory') && FACT.test(m.content ?? '')));
  // The compaction's writes went the mediated path (ledgered) before anything was dropped.
  assert.ok(remembered.entries.some((e) => e.action === 'memory.put.done' && e.decision === 'ok'));
  assert.match(ok(octant('memory', 'search', 'falcon', 'launch code Falcon')), /7341/);

  model = falconModel(8);
  const forgotten = await run(manifest('falcon-nomem', ''));
  assert.equal(forgotten.result?.reason, 'completed');
  assert.ok((forgotten.result?.compactions ?? 0) >= 1);
  assert.equal(forgotten.result?.answer, 'I do not know the launch code.');
});

test('with no system running, the reads work on the files; changes are refused (they are ledgered first by the running system)', { skip, timeout: 60_000 }, async () => {
  await stopSystem(system);
  assert.match(ok(octant('memory', 'search', 'falcon', 'launch code Falcon')), /7341/);
  assert.match(ok(octant('memory', 'list')), /falcon/);
  const forget = octant('memory', 'forget', 'falcon', '--key', 'anything');
  assert.equal(forget.status, 3);
  assert.match(forget.stderr, /E_NOT_RUNNING/);
  assert.equal(octant('memory', 'search', 'Not-A-Name', 'x').status, 2);
});

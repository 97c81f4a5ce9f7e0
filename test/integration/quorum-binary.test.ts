// Multi-model governance end to end, through the shipped executable: a
// booted dist/octant, three scripted fake providers (three wire formats,
// three families) over real HTTP as the panel, real sandboxed agents whose
// manifests make fs.write (built-in loop) or net.request (a wrapped program)
// critical. Approved by the panel; rejected by a veto; a split escalated to a
// human and approved with a signed decision; voters that never answer →
// denied at the deadline; a wrapped program's connections held at the proxy
// until the vote. Every step is in the ledger before the action.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';
import { ballotStep, startScriptedPanel, type ScriptedPanel } from '../support/scripted-panel.ts';
import { readLedger } from '../../src/services/ledger/api.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping quorum through dist/octant: ${skip}`);

let root = '';
let work = '';
let panel: ScriptedPanel;
let system: ChildProcess | undefined;
let page: Server;
let pagePort = 0;
let pageHits = 0;

function octant(...args: string[]): { code: number; out: string } {
  const r = spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 90_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/**
 * `octant run` as a child the test does not block on: the fake providers
 * answer from this process, so a synchronous spawn would starve them; and the
 * test can act as the operator meanwhile.
 */
function runAsync(...args: string[]): Promise<{ code: number; out: string }> {
  const child = spawn(OCTANT, ['--root', root, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code: code ?? -1, out })));
}

function sign(name: string, body: string): string {
  writeFileSync(join(work, `${name}.yaml`), `version: 1
identity: { name: ${name}, operator: ops@example.com }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
${body}`);
  const signed = octant('manifest', 'sign', join(work, `${name}.yaml`), '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', join(work, `${name}.json`));
  assert.equal(signed.code, 0, signed.out);
  return join(work, `${name}.json`);
}

function governance(aid: string): { action: string; decision: string; detail: Record<string, unknown> }[] {
  return readLedger(join(root, 'lib', 'ledger'), { keepEntries: true }).replay.entries
    .filter((e) => e.agent === aid && (e.kind === 'governance' || e.action === 'fs.write' || e.action === 'fs.write.done'))
    .map((e) => ({ action: e.action, decision: e.decision, detail: e.detail }));
}

const aidOf = (out: string): string => /agt_[0-9A-Za-z]+/.exec(out)?.[0] ?? '';

let writer = '';
const plan = (file: string): string => {
  const path = join(work, `plan-${file}.json`);
  writeFileSync(path, JSON.stringify([{ tool: 'fs.write', args: { path: `/scratch/${file}.txt`, content: `report ${file}` } }]));
  return path;
};

before(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'octant-quorum-e2e-'));
  work = mkdtempSync(join(tmpdir(), 'octant-quorum-e2e-work-'));
  chmodSync(work, 0o755);
  panel = await startScriptedPanel();
  page = createServer((_req, res) => { pageHits++; res.writeHead(200).end('ok'); });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
  pagePort = (page.address() as AddressInfo).port;
  assert.equal(octant('keys', 'generate', '--name', 'ops').code, 0);
  writeFileSync(join(root, 'etc', 'router.yaml'), `deployments:\n${panel.config.deployments.map((d) => `  - id: ${d.id}\n    provider: ${d.provider}\n    model: ${d.model}\n    baseUrl: ${d.baseUrl}\n`).join('')}`);
  // Voters get 30 s each, the whole vote 4 s: voters that never answer run into the deadline.
  writeFileSync(join(root, 'etc', 'octant.yaml'), `services:\n  agents:\n    approvalTimeoutSeconds: 30\n  quorum:\n    voterTimeoutSeconds: 30\n    deadlineSeconds: 4\n    rules:\n      default: { threshold: two-thirds, quorum: 2, veto: 0.8, escalateRisk: 0.7, debate: 0 }\n`);
  system = spawn(OCTANT, ['--root', root, 'boot'], { stdio: 'ignore' });
  for (let i = 0; i < 300 && octant('status').code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  for (const v of panel.voters) {
    const added = octant('quorum', 'panel', 'add', v.name, '--model', v.model, '--family', v.family);
    assert.equal(added.code, 0, added.out);
  }
  writer = sign('writer', 'governance: { critical: [fs.write] }\n');
});

after(async () => {
  if (skip) return;
  system?.kill('SIGTERM');
  if (system && system.exitCode === null) await new Promise((r) => system!.once('exit', r));
  await panel.close();
  page.close();
  if (process.env.KEEP_ROOT) console.log('# root', root); else rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

test('the panel is managed through the running system and each change is in the ledger', { skip }, async () => {
  const list = octant('quorum', 'panel', 'list');
  assert.match(list.out, /alpha +alpha +weight 1 +family openai/);
  assert.equal(octant('quorum', 'panel', 'add', 'delta', '--model', 'no-such-model').code, 2, 'a model the router does not serve is refused');
  const changes = readLedger(join(root, 'lib', 'ledger'), { keepEntries: true }).replay.entries.filter((e) => e.action === 'quorum.panel.add');
  assert.equal(changes.length, 3);
});

test('a critical write approved by the panel runs, after the proposal, ballots and outcome are recorded', { skip }, async () => {
  for (const f of Object.values(panel.fakes)) f.script(ballotStep('approve', 0.1, 'writes its own report'));
  const run = await runAsync(writer, '--script', plan('approved'));
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /1 call\(s\), 0 refused/);
  const story = governance(aidOf(run.out)).map((e) => `${e.action}:${e.decision}`);
  assert.deepEqual(story, ['quorum.proposal:pending', 'quorum.ballot:approve', 'quorum.ballot:approve', 'quorum.ballot:approve', 'quorum.outcome:allow', 'fs.write:allow', 'fs.write.done:ok']);
  const list = octant('quorum', 'list');
  assert.match(list.out, /quo_[0-9a-z]{16}  approved/);
  // The voters saw what the agent did before: its lifecycle entries.
  const shown = JSON.parse(octant('quorum', 'show', /(quo_[0-9a-z]{16})  approved/.exec(list.out)![1], '--json').out) as { proposal: { recent: { action: string }[] } };
  assert.ok(shown.proposal.recent.some((e) => e.action === 'transition'), JSON.stringify(shown.proposal.recent));
});

test('a veto rejects: the write never runs and no human is asked', { skip }, async () => {
  panel.fakes.alpha.script(ballotStep('approve'));
  panel.fakes.beta.script(ballotStep('approve'));
  panel.fakes.gamma.script(ballotStep('reject', 0.95, 'the task never asked for this file'));
  const run = await runAsync(writer, '--script', plan('vetoed'));
  assert.match(run.out, /1 call\(s\), 1 refused/);
  const story = governance(aidOf(run.out));
  assert.equal(story.at(-1)!.action, 'quorum.outcome');
  assert.equal(story.at(-1)!.decision, 'deny');
  assert.ok(!story.some((e) => e.action === 'fs.write' || e.action === 'approval.request'));
  const id = /(quo_[0-9a-z]{16})  rejected/.exec(octant('quorum', 'list').out)![1];
  assert.match(octant('quorum', 'explain', id).out, /gamma .*reject +risk 0\.95[\s\S]*decided by step 1, veto/);
});

test('a split vote escalates to a human, who approves with a signed decision; then the write runs', { skip }, async () => {
  panel.fakes.alpha.script(ballotStep('approve', 0.2, 'fits the task'));
  panel.fakes.beta.script(ballotStep('reject', 0.5, 'unclear purpose'));
  panel.fakes.gamma.script(ballotStep('reject', 0.4, 'not needed'));
  const running = runAsync(writer, '--script', plan('split'));
  let id = '';
  for (let i = 0; i < 300 && id === ''; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const pending = JSON.parse(octant('approvals', 'list', '--json').out) as { id: string; evidence: { quorum?: { ballots: unknown[] } } }[];
    if (pending.length > 0) {
      assert.equal(pending[0].evidence.quorum?.ballots.length, 3, 'the ballots are attached for the human');
      id = pending[0].id;
    }
  }
  assert.notEqual(id, '', 'an approval was requested');
  const approved = octant('approvals', 'approve', id, '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--note', 'checked');
  assert.equal(approved.code, 0, approved.out);
  const run = await running;
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /1 call\(s\), 0 refused/);
  const story = governance(aidOf(run.out)).map((e) => `${e.action}:${e.decision}`);
  assert.deepEqual(story.slice(-5), ['quorum.outcome:pending', 'approval.request:pending', 'approval.decision:allow', 'fs.write:allow', 'fs.write.done:ok']);
  assert.match(octant('quorum', 'list').out, /escalate → human approved/);
});

test('voters that never answer: the vote\'s deadline passes and the write is denied, recorded', { skip }, async () => {
  for (const f of Object.values(panel.fakes)) f.script({ kind: 'hang' });
  const run = await runAsync(writer, '--script', plan('late'));
  assert.match(run.out, /1 call\(s\), 1 refused/);
  const outcome = governance(aidOf(run.out)).find((e) => e.action === 'quorum.outcome')!;
  assert.equal(outcome.decision, 'deny');
  assert.match(String(outcome.detail.why), /deadline passed/);
});

test('a wrapped program: each critical connection is held at the proxy until the vote (one approved, one vetoed)', { skip }, async () => {
  const node = process.execPath;
  writeFileSync(join(work, 'fetch.mjs'), `import http from 'node:http';
const get = () => new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port: 3128, path: 'http://127.0.0.1:${pagePort}/x' }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
  req.on('error', (e) => resolve(e.code));
});
console.log(JSON.stringify([await get(), await get()]));
`, { mode: 0o644 });
  const fetcher = sign('fetcher', `filesystem: { read: [${work}, ${dirname(node)}], write: [] }
network:
  destinations:
    - { host: 127.0.0.1/32, ports: ${pagePort}, protocol: http }
processes: { exec: [${node}] }
governance: { critical: [net.request] }
`);
  panel.fakes.alpha.script(ballotStep('approve'), ballotStep('approve'));
  panel.fakes.beta.script(ballotStep('approve'), ballotStep('approve'));
  panel.fakes.gamma.script(ballotStep('approve'), ballotStep('reject', 0.9, 'second fetch is exfiltration'));
  const before = pageHits;
  const run = await runAsync(fetcher, '--', node, join(work, 'fetch.mjs'));
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /\[200,403\]/);
  assert.equal(pageHits, before + 1, 'only the approved connection reached the page');
  const outcomes = governance(aidOf(run.out)).filter((e) => e.action === 'quorum.outcome').map((e) => e.decision);
  assert.deepEqual(outcomes, ['allow', 'deny']);
});

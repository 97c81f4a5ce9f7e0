import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from '../../services/ledger/api.ts';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';
import type { Manifest } from '../manifest/schema.ts';
import { fsTools } from '../tools/fs-tools.ts';
import type { AgentSession } from '../tools/tool.ts';
import { createMediator } from './mediator.ts';
import { TEST_AGENT, writableForAgent } from '../../../test/support/agent-user.ts';
import { toolSpecs } from './tool-specs.ts';

const CANARY = 'sk-canary-0123456789abcdef0123456789';

function manifest(root: string, critical: string[] = []): Manifest {
  return {
    version: 1,
    identity: { name: 'tester', operator: 'ops' },
    filesystem: { read: [join(root, 'data')], write: [join(root, 'ws'), join(root, 'out')] },
    network: { destinations: [] },
    syscalls: [],
    processes: { exec: [] },
    resources: { cpu: 1, memory: 1 << 28, ioBandwidth: 1 << 20, pids: 64, networkThroughput: 1 << 20 },
    credentials: [],
    skills: [],
    spawning: { allowed: false, maxDepth: 0, maxDescendants: 0 },
    lifetime: { ttl: 600, onExpiry: 'terminate' },
    governance: { critical },
  };
}

function setup(options: { critical?: string[]; approve?: boolean } = {}) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'octant-gw-')));
  for (const d of ['data', 'ws', 'out', 'secret']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'data', 'notes.txt'), `hello; key=${CANARY}\n`);
  writeFileSync(join(root, 'secret', 'private.txt'), 'top secret\n');
  symlinkSync(join(root, 'secret'), join(root, 'data', 'escape'));
  const ledger = memoryLedger();
  const events = ledger.entries;
  const approvals: ApprovalRequest[] = [];
  for (const d of ['data', 'ws', 'out']) writableForAgent(join(root, d));
  const session: AgentSession = { aid: 'agt_test', lineage: ['agt_parent'], manifest: manifest(root, options.critical), workspace: [join(root, 'ws')], contacted: new Set(), token: 'tok-123', user: TEST_AGENT };
  const mediator = createMediator({
    tools: fsTools,
    ledger: ledger.append,
    approve: async (request) => { approvals.push(request); return { approved: options.approve ?? false, id: 'apr_x', reason: options.approve ? 'approved by key k' : 'denied by key k' }; },
    redact: (text) => text.replaceAll(CANARY, '[REDACTED]'),
    redactAsync: async (text) => text.replaceAll(CANARY, '[REDACTED]'),
  });
  return { root, events, approvals, session, mediator, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('a granted read is performed, its secret redacted, and recorded before and after', async () => {
  const t = setup();
  const reply = await t.mediator.mediate(t.session, 'fs.read', { path: join(t.root, 'data', 'notes.txt') });
  assert.equal(reply.ok, true);
  const text = JSON.stringify(reply);
  assert.ok(!text.includes(CANARY), 'the secret value must not reach the agent');
  assert.match(text, /\[REDACTED\]/);
  assert.deepEqual(t.events.map((e) => [e.action, e.decision]), [['fs.read', 'allow'], ['fs.read.done', 'ok']]);
  assert.deepEqual(t.events[0].lineage, ['agt_parent']);
  t.cleanup();
});

test('a read outside the granted paths is refused, recorded, and returned as a structured error', async () => {
  const t = setup();
  const reply = await t.mediator.mediate(t.session, 'fs.read', { path: join(t.root, 'secret', 'private.txt') });
  assert.equal(reply.ok, false);
  assert.equal(!reply.ok && reply.error.code, 'E_TOOL_DENIED');
  assert.deepEqual(t.events.map((e) => [e.action, e.decision]), [['fs.read', 'deny']]);
  t.cleanup();
});

test('a symlink inside a granted directory does not widen the grant', async () => {
  const t = setup();
  const reply = await t.mediator.mediate(t.session, 'fs.read', { path: join(t.root, 'data', 'escape', 'private.txt') });
  assert.equal(!reply.ok && reply.error.code, 'E_FS_SYMLINK');
  assert.match(!reply.ok ? reply.error.message : '', /escape\/private.txt: a component is a symbolic link/);
  assert.ok(!JSON.stringify(reply).includes('top secret'));
  assert.deepEqual(t.events.map((e) => [e.action, e.decision, e.detail.code]), [['fs.read', 'allow', undefined], ['fs.read.done', 'error', 'E_FS_SYMLINK']]);
  t.cleanup();
});

test('non-canonical paths are refused as bad arguments', async () => {
  const t = setup();
  for (const path of [`${t.root}/data/../secret/private.txt`, 'data/notes.txt', `${t.root}/data//notes.txt`, `${t.root}/data\u2215notes.txt`]) {
    const reply = await t.mediator.mediate(t.session, 'fs.read', { path });
    assert.equal(!reply.ok && reply.error.code, 'E_TOOL_ARGS', path);
  }
  const extra = await t.mediator.mediate(t.session, 'fs.read', { path: `${t.root}/data/notes.txt`, mode: 'x' });
  assert.equal(!extra.ok && extra.error.code, 'E_TOOL_ARGS');
  t.cleanup();
});

test('a write inside the workspace needs no approval and the ledger entry precedes the write', async () => {
  const t = setup();
  const target = join(t.root, 'ws', 'result.txt');
  const seenBefore: boolean[] = [];
  const ledger = t.events;
  const originalPush = ledger.push.bind(ledger);
  ledger.push = (...items: LedgerEntry[]) => { seenBefore.push(existsSync(target)); return originalPush(...items); };
  const reply = await t.mediator.mediate(t.session, 'fs.write', { path: target, content: 'done' });
  assert.equal(reply.ok, true);
  assert.equal(readFileSync(target, 'utf8'), 'done');
  assert.equal(t.approvals.length, 0);
  assert.deepEqual(seenBefore, [false, true], 'the allow entry is appended before the file exists');
  t.cleanup();
});

test('a write outside the workspace asks for approval; a denial leaves nothing written', async () => {
  const t = setup({ approve: false });
  const target = join(t.root, 'out', 'report.txt');
  const reply = await t.mediator.mediate(t.session, 'fs.write', { path: target, content: 'x' });
  assert.equal(!reply.ok && reply.error.code, 'E_APPROVAL_DENIED');
  assert.equal(t.approvals.length, 1);
  assert.match(t.approvals[0].reason, /outside the workspace/);
  assert.equal(existsSync(target), false);
  t.cleanup();
});

test('an approved critical write goes through', async () => {
  const t = setup({ approve: true });
  const target = join(t.root, 'out', 'report.txt');
  const reply = await t.mediator.mediate(t.session, 'fs.write', { path: target, content: 'x' });
  assert.equal(reply.ok, true);
  assert.equal(readFileSync(target, 'utf8'), 'x');
  t.cleanup();
});

test('governance.critical makes even a granted read wait for approval', async () => {
  const t = setup({ critical: ['fs.read'], approve: false });
  const reply = await t.mediator.mediate(t.session, 'fs.list', { path: join(t.root, 'data') });
  assert.equal(!reply.ok && reply.error.code, 'E_APPROVAL_DENIED');
  assert.match(t.approvals[0].reason, /governance.critical lists fs.read/);
  t.cleanup();
});

test('an unknown tool is refused and recorded', async () => {
  const t = setup();
  const reply = await t.mediator.mediate(t.session, 'shell.run', { cmd: 'id' });
  assert.equal(!reply.ok && reply.error.code, 'E_TOOL_UNKNOWN');
  assert.equal(t.events[0].decision, 'deny');
  t.cleanup();
});

test('fs.delete is gated like fs.write: in the workspace it runs and is ledgered, outside it asks, governance.critical makes it ask', async () => {
  const t = setup({ approve: false });
  const inside = join(t.root, 'ws', 'old.txt');
  const outside = join(t.root, 'out', 'keep.txt');
  writeFileSync(inside, 'x');
  writeFileSync(outside, 'y');
  const done = await t.mediator.mediate(t.session, 'fs.delete', { path: inside });
  assert.deepEqual(done, { ok: true, result: { path: inside, deleted: 'file' } });
  assert.equal(existsSync(inside), false);
  assert.deepEqual(t.events.map((e) => [e.action, e.decision, e.target]), [['fs.delete', 'allow', inside], ['fs.delete.done', 'ok', inside]]);
  const refused = await t.mediator.mediate(t.session, 'fs.delete', { path: outside });
  assert.equal(!refused.ok && refused.error.code, 'E_APPROVAL_DENIED');
  assert.match(t.approvals[0].reason, /outside the workspace/);
  assert.equal(existsSync(outside), true);
  const notGranted = await t.mediator.mediate(t.session, 'fs.delete', { path: join(t.root, 'data', 'notes.txt') });
  assert.equal(!notGranted.ok && notGranted.error.code, 'E_TOOL_DENIED');
  assert.equal(existsSync(join(t.root, 'data', 'notes.txt')), true);
  t.cleanup();

  const g = setup({ critical: ['fs.delete'], approve: false });
  writeFileSync(join(g.root, 'ws', 'a.txt'), 'a');
  const gated = await g.mediator.mediate(g.session, 'fs.delete', { path: join(g.root, 'ws', 'a.txt') });
  assert.equal(!gated.ok && gated.error.code, 'E_APPROVAL_DENIED');
  assert.match(g.approvals[0].reason, /governance.critical lists fs.delete/);
  assert.equal(existsSync(join(g.root, 'ws', 'a.txt')), true);
  g.cleanup();
});

test('fs.stat reports a link as a link; the file tools are offered to the model by name', async () => {
  const t = setup();
  const reply = await t.mediator.mediate(t.session, 'fs.stat', { path: join(t.root, 'data', 'escape') });
  assert.equal(reply.ok && (reply.result as { type: string }).type, 'link');
  const file = await t.mediator.mediate(t.session, 'fs.stat', { path: join(t.root, 'data', 'notes.txt') });
  assert.equal(file.ok && (file.result as { size: number }).size, Buffer.byteLength(`hello; key=${CANARY}\n`));
  assert.deepEqual(toolSpecs(t.mediator.tools).map((s) => s.function.name), ['fs_read', 'fs_write', 'fs_list', 'fs_stat', 'fs_delete']);
  t.cleanup();
});

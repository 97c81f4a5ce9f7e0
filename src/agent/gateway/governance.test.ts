// Governance on the mediated path: every action a manifest may list as
// critical waits for approval when the call performs it, including actions a
// tool performs besides its own (a credential injected by http.fetch), and
// the approver sees the exact content with its digest.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import type { ApprovalRequest } from '../approvals/approval.ts';
import type { Manifest } from '../manifest/schema.ts';
import { fsWrite } from '../tools/fs-tools.ts';
import { httpFetchTool } from '../tools/http-fetch.ts';
import { PREVIEW_CHARS } from '../tools/evidence.ts';
import type { AgentSession } from '../tools/tool.ts';
import { createMediator } from './mediator.ts';
import { Redactor } from '../../services/vault/api.ts';
import { TEST_AGENT, writableForAgent } from '../../../test/support/agent-user.ts';

function manifest(root: string, critical: string[]): Manifest {
  return {
    version: 1,
    identity: { name: 'tester', operator: 'ops' },
    filesystem: { read: [], write: [join(root, 'ws')] },
    network: { destinations: [{ host: 'api.example.com', ports: [443, 443], protocol: 'https' }] },
    syscalls: [],
    processes: { exec: [] },
    resources: { cpu: 1, memory: 1 << 28, ioBandwidth: 1 << 20, pids: 64, networkThroughput: 1 << 20 },
    credentials: ['api-key'],
    skills: [],
    spawning: { allowed: false, maxDepth: 0, maxDescendants: 0 },
    lifetime: { ttl: 600, onExpiry: 'terminate' },
    governance: { critical },
  } as Manifest;
}

function setup(critical: string[]) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'octant-gov-')));
  mkdirSync(join(root, 'ws'));
  writableForAgent(join(root, 'ws'));
  const ledger = memoryLedger();
  const events = ledger.entries;
  const approvals: ApprovalRequest[] = [];
  const injected: string[] = [];
  const session: AgentSession = { aid: 'agt_test', lineage: [], manifest: manifest(root, critical) as never, workspace: [join(root, 'ws')], contacted: new Set(), token: 'tok', egressSocket: join(root, 'no-proxy.sock'), user: TEST_AGENT };
  const redactor = new Redactor();
  const fetchTool = httpFetchTool({ injectPlaceholders: async (_t, request) => { injected.push(request.url); return request; }, redactStream: () => redactor.redactStream(), newDestinationIsCritical: false });
  const mediator = createMediator({
    tools: [fsWrite, fetchTool],
    ledger: ledger.append,
    approve: async (request) => { approvals.push(request); return { approved: false, id: 'apr_x', reason: 'denied by key k' }; },
    redact: (text) => text,
    redactAsync: async (text) => text,
  });
  return { root, events, approvals, injected, session, mediator, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('credential.use critical: a fetch that injects a vault credential waits for approval, and nothing is injected on denial', async () => {
  const t = setup(['credential.use']);
  const reply = await t.mediator.mediate(t.session, 'http.fetch', { url: 'https://api.example.com/v1/x', headers: { authorization: 'Bearer octant-secret:api-key' } });
  assert.equal(!reply.ok && reply.error.code, 'E_APPROVAL_DENIED');
  assert.equal(t.approvals.length, 1);
  assert.match(t.approvals[0].reason, /governance.critical lists credential.use/);
  assert.deepEqual(t.injected, []);
  t.cleanup();
});

test('credential.use critical: a fetch without a credential is not held (working twin)', async () => {
  const t = setup(['credential.use']);
  // Not approved-gated: it goes on to perform, which fails only because no proxy listens here.
  const reply = await t.mediator.mediate(t.session, 'http.fetch', { url: 'https://api.example.com/v1/x' });
  assert.equal(t.approvals.length, 0);
  assert.notEqual(!reply.ok && reply.error.code, 'E_APPROVAL_DENIED');
  t.cleanup();
});

test('the approver sees the content to be written and its SHA-256; the ledger keeps only the digest', async () => {
  const t = setup(['fs.write']);
  const content = 'line\n'.repeat(2000);
  await t.mediator.mediate(t.session, 'fs.write', { path: join(t.root, 'ws', 'a.txt'), content });
  const evidence = t.approvals[0].evidence;
  assert.equal(evidence.sha256, createHash('sha256').update(content).digest('hex'));
  assert.equal(evidence.bytes, Buffer.byteLength(content));
  assert.equal(evidence.content, content.slice(0, PREVIEW_CHARS));
  assert.equal(evidence.contentTruncated, true);
  assert.ok(t.events.every((e) => !JSON.stringify(e).includes('line\\nline\\nline')), 'no content in the ledger');
  t.cleanup();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayAgent } from '../lifecycle/ports.ts';
import { sessionFor, transcriptWriter } from './port.ts';
import type { LedgerEntry } from '../../services/ledger/api.ts';
import { Redactor } from '../../services/vault/api.ts';
import { gatewayClient } from '../loop/gateway-client.ts';
import type { Manifest } from '../manifest/schema.ts';
import { createMediator } from './mediator.ts';
import { startGateway } from './server.ts';
import { TEST_AGENT } from '../../../test/support/agent-user.ts';

test('the transcript is redacted and capped, with one line saying where it stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-transcript-'));
  const file = join(dir, 'transcript.jsonl');
  const write = transcriptWriter(file, async (t) => t.replaceAll('hunter2', '[REDACTED]'), 200);
  void write({ type: 'task', text: 'password hunter2' });
  for (let i = 0; i < 50; i++) await write({ type: 'tool', n: i, padding: 'x'.repeat(20) });
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines[0].text, 'password [REDACTED]');
  assert.equal(lines.at(-1)!.type, 'truncated');
  assert.equal(lines.filter((l) => l.type === 'truncated').length, 1);
  assert.ok(readFileSync(file).length < 400, 'the file stays near its cap');
  rmSync(dir, { recursive: true, force: true });
});

test('the session takes the agent\'s host uid/gid from its sandbox policy (the file tools act with it)', () => {
  const agent = {
    aid: 'agt_u', lineage: [], token: 't', scratch: '/state/agents/agt_u/scratch',
    manifest: { effective: { filesystem: { read: [], write: ['/data/out'] } } },
    policy: { user: { uid: 61240, gid: 61241 } },
  } as unknown as GatewayAgent;
  const session = sessionFor(agent);
  assert.deepEqual(session.user, { uid: 61240, gid: 61241 });
  assert.deepEqual(session.workspace, ['/state/agents/agt_u/scratch', '/data/out']);
  assert.deepEqual(session.scratch, { inside: '/scratch', host: '/state/agents/agt_u/scratch' });
});

test('a large transcript line posted by an agent is redacted without stopping the gateway: other requests are served meanwhile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-transcript-'));
  const secret = 'svc-key-7f3a9c1e5b2d4f6a8c0e';
  const redactor = new Redactor();
  redactor.add(secret);
  const file = join(dir, 'transcript.jsonl');
  const mediator = createMediator({ tools: [], ledger: async (e) => ({ ...e, seq: 0, time: '', prev: '' }) as LedgerEntry, approve: async () => ({ approved: false, id: 'x', reason: 'none' }), redact: (t) => redactor.redact(t), redactAsync: (t) => redactor.redactAsync(t) });
  const session = { aid: 'agt_big', lineage: [], manifest: {} as Manifest, workspace: [dir], contacted: new Set<string>(), token: 'tok', user: TEST_AGENT };
  const gateway = await startGateway({ socketPath: join(dir, 'gw.sock'), session, token: 'tok', mediator, transcript: transcriptWriter(file, (t) => redactor.redactAsync(t), 64 << 20) });
  const client = gatewayClient(gateway.socketPath, 'tok');
  try {
    // ~3 MiB of PEM headers without a footer (what froze the daemon before), then the secret.
    const text = `${'-----BEGIN RSA PRIVATE KEY-----'.repeat(100_000)} ${secret}`;
    let logged = false;
    const log = client.log({ type: 'note', text }).then(() => { logged = true; });
    let servedMeanwhile = 0;
    while (!logged) {
      await client.tools();
      if (!logged) servedMeanwhile++;
    }
    await log;
    assert.ok(servedMeanwhile > 0, 'the gateway answered while the line was being redacted');
    const written = readFileSync(file, 'utf8');
    assert.ok(!written.includes(secret) && !written.includes('-----BEGIN RSA'), 'redacted before it was written');
  } finally {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

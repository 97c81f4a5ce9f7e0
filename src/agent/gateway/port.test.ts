import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayAgent } from '../lifecycle/ports.ts';
import { sessionFor, transcriptWriter } from './port.ts';

test('the transcript is redacted and capped, with one line saying where it stopped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-transcript-'));
  const file = join(dir, 'transcript.jsonl');
  const write = transcriptWriter(file, (t) => t.replaceAll('hunter2', '[REDACTED]'), 200);
  write({ type: 'task', text: 'password hunter2' });
  for (let i = 0; i < 50; i++) write({ type: 'tool', n: i, padding: 'x'.repeat(20) });
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

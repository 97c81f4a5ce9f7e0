import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecord, type AgentRecord } from '../../agent/lifecycle/records.ts';
import { main } from '../../main.ts';
import { memoryIo } from '../../lib/memory-io.ts';
import { resolveAid } from './agent.ts';

function record(aid: string, state: AgentRecord['state'], name: string): AgentRecord {
  return {
    aid, name, state, manifestHash: 'h', parent: null, lineage: [], operator: 'op', depth: 0, command: ['x'], childrenPolicy: 'terminate', graceSeconds: 0,
    retain: [], ttlSeconds: 60, createdAt: '2026-12-03T10:00:00.000Z', updatedAt: '2026-12-03T10:00:00.000Z', deadline: null, pid: null, exit: null, reason: null, retained: [], history: [],
  };
}

test('agent ids: a whole id or a unique start of one; ambiguous and unknown starts are refused naming why; list has a header and a --state filter', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-aid-'));
  const dir = join(root, 'lib', 'agents');
  const a = 'agt_01M8XAAAAAAAAAAAAAAAAAAAAA';
  const b = 'agt_01M8XAAAAAAAAAAAAAAAAAAAAB';
  const c = 'agt_01M8YCCCCCCCCCCCCCCCCCCCCC';
  writeRecord(dir, record(a, 'archived', 'one'));
  writeRecord(dir, record(b, 'running', 'two'));
  writeRecord(dir, record(c, 'archived', 'three'));
  try {
    assert.equal(resolveAid(dir, a), a);
    assert.equal(resolveAid(dir, 'agt_01M8Y'), c);
    assert.throws(() => resolveAid(dir, 'agt_01M8X'), (e: any) => e.code === 'E_AGENT_AMBIGUOUS' && e.message.includes(a) && e.message.includes(b));
    assert.throws(() => resolveAid(dir, 'agt_01M8Z'), (e: any) => e.code === 'E_AGENT_UNKNOWN');
    assert.throws(() => resolveAid(dir, 'x'), (e: any) => e.code === 'E_AID_INVALID');
    // A live agent's name resolves; an archived agent's name does not (its twin), nor a name two live agents share.
    assert.equal(resolveAid(dir, 'two'), b);
    assert.throws(() => resolveAid(dir, 'one'), (e: any) => e.code === 'E_AID_INVALID');
    const d = 'agt_01M8ZDDDDDDDDDDDDDDDDDDDDD';
    writeRecord(dir, record(d, 'suspended', 'two'));
    assert.throws(() => resolveAid(dir, 'two'), (e: any) => e.code === 'E_AGENT_AMBIGUOUS' && e.message.includes(d));
    writeRecord(dir, record(d, 'terminated', 'two'));
    const mem = memoryIo();
    assert.equal(await main(['node', 'octant', '--root', root, 'agent', 'list', '--state', 'archived'], mem.io), 0);
    const lines = mem.stdout().trim().split('\n');
    assert.match(lines[0], /^AID\s+STATE\s+NAME\s+CREATED$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), [a, c]);
    const bad = memoryIo();
    assert.equal(await main(['node', 'octant', '--root', root, 'agent', 'list', '--state', 'sleeping'], bad.io), 2);
    assert.match(bad.stderr(), /--state expects one of/);
    const inspect = memoryIo();
    assert.equal(await main(['node', 'octant', '--root', root, 'agent', 'inspect', 'agt_01M8Y'], inspect.io), 0);
    assert.match(inspect.stdout(), /three/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

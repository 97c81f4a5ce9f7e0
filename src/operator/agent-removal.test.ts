// agent rm / prune: a live agent is refused (and nothing is recorded or
// removed); an ended one is recorded in the ledger first, then removed, and
// a link it left pointing outside is unlinked, never followed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentsDir } from '../agent/lifecycle/compose.ts';
import { agentDir, listRecords, writeRecord, type AgentRecord } from '../agent/lifecycle/records.ts';
import { main } from '../main.ts';
import { memoryIo } from '../lib/memory-io.ts';
import { isOctantError } from '../lib/errors.ts';
import { resolvePaths } from '../runtime/paths.ts';
import { readLedger, ledgerDir, recordEvent } from '../services/ledger/api.ts';
import { pruneAgents, removeAgent } from './agent-removal.ts';

function record(aid: string, state: AgentRecord['state']): AgentRecord {
  return {
    aid, name: `n-${state}`, state, manifestHash: 'h', parent: null, lineage: [], operator: 'op', depth: 0, command: ['x'], childrenPolicy: 'terminate', graceSeconds: 0,
    retain: ['out'], ttlSeconds: 60, createdAt: '2026-12-03T10:00:00.000Z', updatedAt: '2026-12-03T10:00:00.000Z', deadline: null, pid: null, exit: null, reason: null, retained: ['out'], history: [],
  };
}

const RUNNING = 'agt_01M8XAAAAAAAAAAAAAAAAAAAAA';
const ARCHIVED = 'agt_01M8XAAAAAAAAAAAAAAAAAAAAB';
const REJECTED = 'agt_01M8XAAAAAAAAAAAAAAAAAAAAC';
const TERMINATED = 'agt_01M8XAAAAAAAAAAAAAAAAAAAAD';

test('agent rm refuses a live or terminating agent and removes an ended one after recording it; prune removes only ended ones', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-rm-'));
  try {
    const paths = resolvePaths({ rootFlag: root, env: {} });
    const dir = agentsDir(paths);
    writeRecord(dir, record(RUNNING, 'running'));
    writeRecord(dir, record(ARCHIVED, 'archived'));
    writeRecord(dir, record(REJECTED, 'rejected'));
    writeRecord(dir, record(TERMINATED, 'terminated'));
    // A file outside that the archived agent's retained dir links to: it must survive.
    const outside = join(root, 'precious');
    writeFileSync(outside, 'keep me');
    mkdirSync(join(agentDir(dir, ARCHIVED), 'retained', 'out'), { recursive: true });
    symlinkSync(outside, join(agentDir(dir, ARCHIVED), 'retained', 'out', 'link'));
    symlinkSync(root, join(agentDir(dir, ARCHIVED), 'retained', 'out', 'dirlink'));
    const record_ = (event: Parameters<typeof recordEvent>[1]) => recordEvent(paths, event);

    for (const aid of [RUNNING, TERMINATED]) {
      await assert.rejects(removeAgent(dir, aid, record_), (e) => isOctantError(e, 'E_AGENT_LIVE') && e.message.includes(aid));
      assert.ok(existsSync(agentDir(dir, aid)));
    }
    assert.equal(existsSync(ledgerDir(paths)) ? readLedger(ledgerDir(paths), { keepEntries: true }).replay.entries.length : 0, 0, 'a refused removal records nothing');

    // Through the CLI: the twin that works.
    const mem = memoryIo();
    assert.equal(await main(['node', 'octant', '--root', root, 'agent', 'rm', ARCHIVED], mem.io), 0, mem.stderr());
    assert.match(mem.stdout(), new RegExp(`removed ${ARCHIVED}`));
    assert.ok(!existsSync(agentDir(dir, ARCHIVED)));
    assert.equal(readFileSync(outside, 'utf8'), 'keep me');
    assert.ok(existsSync(root));
    const entries = readLedger(ledgerDir(paths), { keepEntries: true }).replay.entries;
    assert.deepEqual(entries.map((e) => [e.agent, e.action, e.target]), [['operator', 'agent.rm', ARCHIVED]]);

    const pruned = await pruneAgents(dir, record_);
    assert.deepEqual(pruned.map((r) => r.aid), [REJECTED]);
    assert.deepEqual(listRecords(dir).map((r) => r.aid).sort(), [RUNNING, TERMINATED]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

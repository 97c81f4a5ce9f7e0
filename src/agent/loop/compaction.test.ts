// Compaction in the built-in loop, over a real gateway socket with the
// mediated memory tools: a fact read early in a long task is still used
// after the turn that held it was compacted away (it was written to memory
// first and is retrieved back); without memory the same run loses it. The
// planner here stands in for a model: it answers from what is in its prompt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { createContext, createContextStore, sharingRegistry } from '../../services/context/api.ts';
import { createMediator } from '../gateway/mediator.ts';
import { startGateway } from '../gateway/server.ts';
import { validateSchema } from '../manifest/schema.ts';
import { fsRead } from '../tools/fs-tools.ts';
import { memoryTools } from '../tools/memory.ts';
import { compact } from './compaction.ts';
import { gatewayClient } from './gateway-client.ts';
import { runLoop } from './loop.ts';
import type { ChatMessage, Planner } from './planner.ts';
import { TEST_AGENT, writableForAgent } from '../../../test/support/agent-user.ts';

const FACT = /launch code for project Falcon is (\d+)/;

/** Reads the briefing, then `fillers` log files, then answers from what its prompt holds. */
function modelLike(root: string, fillers: number): Planner & { prompts: ChatMessage[][] } {
  let step = 0;
  const prompts: ChatMessage[][] = [];
  return {
    prompts,
    async next(messages) {
      prompts.push([...messages]);
      step++;
      if (step === 1) return { text: null, calls: [{ id: 'c1', name: 'fs_read', arguments: { path: join(root, 'data', 'briefing.txt') } }] };
      if (step <= fillers + 1) return { text: null, calls: [{ id: `c${step}`, name: 'fs_read', arguments: { path: join(root, 'data', `log-${step}.txt`) } }] };
      const code = FACT.exec(JSON.stringify(messages))?.[1];
      return { text: code === undefined ? 'I do not know the launch code.' : `The launch code is ${code}.`, calls: [] };
    },
  };
}

async function run(memory: boolean, critical: string[] = []) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'octant-compaction-')));
  mkdirSync(join(root, 'data'));
  writableForAgent(join(root, 'data'));
  writeFileSync(join(root, 'data', 'briefing.txt'), 'Briefing. The launch code for project Falcon is 7341. Keep it for the end of the task.');
  for (let i = 2; i <= 12; i++) writeFileSync(join(root, 'data', `log-${i}.txt`), `log ${i}: ${'routine telemetry, nothing of note. '.repeat(40)}`);
  const ledger = memoryLedger();
  const store = createContextStore({ dir: join(root, 'memory') });
  const context = createContext({ store, redact: async (t) => t, ledger: ledger.append, sharing: sharingRegistry(join(root, 'sharing.json'), ledger.append) });
  const manifest = validateSchema({
    version: 1,
    identity: { name: 'falcon', operator: 'op' },
    filesystem: { read: [join(root, 'data')] },
    resources: { cpu: 1, memory: '64MiB', ioBandwidth: '1MiB/s', pids: 8, networkThroughput: '1MiB/s' },
    lifetime: { ttl: '1h' },
    governance: { critical },
    ...(memory ? { memory: {} } : {}),
  });
  const mediator = createMediator({
    tools: [fsRead, ...(memory ? memoryTools(context) : [])],
    ledger: ledger.append,
    approve: async () => ({ approved: false, id: 'x', reason: 'none' }),
    redact: (t) => t,
    redactAsync: async (t) => t,
  });
  const transcript: Record<string, unknown>[] = [];
  const session = { aid: 'agt_falcon', lineage: [], manifest, workspace: [], contacted: new Set<string>(), token: 'tok', user: TEST_AGENT };
  const gateway = await startGateway({ socketPath: join(root, 'gw.sock'), session, token: 'tok', mediator, transcript: (l) => void transcript.push(l) });
  try {
    const planner = modelLike(root, 11);
    const result = await runLoop({ task: 'Read the briefing, then the logs, then tell me the launch code for project Falcon.', client: gatewayClient(join(root, 'gw.sock'), 'tok'), planner, maxSteps: 20, deadline: Number.MAX_SAFE_INTEGER, contextChars: 6000 });
    const remembered = store.exportLines('falcon').slice(1).map((line) => JSON.parse(line) as { text: string; tags?: string[] });
    return { result, planner, transcript, remembered, entries: ledger.entries };
  } finally {
    await gateway.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test('a fact read early is still used after compaction: written to memory before its turn is dropped, retrieved back', async () => {
  const { result, planner, transcript, remembered, entries } = await run(true);
  assert.equal(result.reason, 'completed');
  assert.ok(result.compactions >= 1, JSON.stringify(result));
  assert.equal(result.answer, 'The launch code is 7341.');
  // The turn that held it was dropped from the conversation: the last prompt has it only in the memory message.
  const last = planner.prompts.at(-1)!;
  assert.ok(!last.some((m) => m.role === 'tool' && FACT.test(m.content)), 'the briefing turn itself was compacted away');
  assert.ok(last.some((m) => m.role === 'system' && m.content.startsWith('From your memory') && FACT.test(m.content)));
  // Log first: the compaction's memory.put went the mediated path and is recorded done.
  const firstPut = entries.findIndex((e) => e.action === 'memory.put.done' && e.decision === 'ok');
  assert.ok(firstPut !== -1);
  assert.ok(remembered.some((m) => FACT.test(m.text) && m.tags?.includes('compaction')));
  const compaction = transcript.find((l) => l.type === 'compaction')!;
  assert.ok(Number(compaction.remembered) >= 1 && Number(compaction.dropped) >= 2, JSON.stringify(compaction));
});

test('its twin: without memory, the same run compacts, loses the fact and says so', async () => {
  const { result, planner } = await run(false);
  assert.equal(result.reason, 'completed');
  assert.ok(result.compactions >= 1);
  assert.equal(result.answer, 'I do not know the launch code.');
  assert.ok(planner.prompts.at(-1)!.some((m) => m.role === 'user' && m.content.includes('dropped to stay within the context budget')));
});

test('a refused memory write drops nothing; a tool reply never loses the call it answers', async () => {
  const messages: ChatMessage[] = [
    { role: 'system', content: 's' },
    { role: 'user', content: 'task' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'fs_read', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'a', content: 'x'.repeat(3000) },
    { role: 'assistant', content: null, tool_calls: [{ id: 'b', type: 'function', function: { name: 'fs_read', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'b', content: 'y'.repeat(3000) },
  ];
  const refused = await compact(messages, 4000, 3, async () => ({ ok: false, error: { code: 'E_TOOL_DENIED', message: 'no' } }));
  assert.ok('failed' in refused && /E_TOOL_DENIED/.test(refused.failed));
  const written: string[] = [];
  const done = await compact(messages, 4000, 3, async (args) => { written.push(args.text); return { ok: true, result: {} }; });
  assert.ok(!('failed' in done));
  assert.deepEqual(done.messages.map((m) => m.role), ['system', 'user', 'user', 'assistant', 'tool']);
  assert.equal((done.messages[4] as { tool_call_id: string }).tool_call_id, 'b');
  assert.ok(written.join('').includes('x'.repeat(100)));
});

test('a refused recall (memory reads need an approval here) is not asked again every step; the task goes on', async () => {
  const { result, transcript, entries } = await run(true, ['memory.read']);
  assert.equal(result.reason, 'completed');
  assert.deepEqual(transcript.filter((l) => l.type === 'recall').map((l) => l.disabled), ['E_APPROVAL_DENIED']);
  // One recall was tried; the compaction's writes (memory.write, not critical) still went through.
  assert.equal(entries.filter((e) => e.action === 'memory.search').length, 0, 'refused at the gate: no allow entry');
  assert.ok(entries.some((e) => e.action === 'memory.put.done' && e.decision === 'ok'));
  assert.equal(result.answer, 'I do not know the launch code.', 'without recall the compacted fact is not in the prompt');
});

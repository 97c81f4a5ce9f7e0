// The memory tools through the mediator (the one path), over the context
// service's core with the vault's real redactor: a secret an agent tries to
// store is redacted before it is stored; no memory domain, no memory; another
// agent's partition is readable only when both manifests agree, and the read
// is in the ledger without the content; each argument refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry, LedgerEvent } from '../../services/ledger/api.ts';
import { createContext, createContextStore, sharingRegistry, type ContextApi, type ContextStoreApi } from '../../services/context/api.ts';
import { REDACTED, Redactor } from '../../services/vault/api.ts';
import { createMediator, type ToolReply } from '../gateway/mediator.ts';
import { validateSchema } from '../manifest/schema.ts';
import type { AgentSession } from './tool.ts';
import { memoryTools } from './memory.ts';
import { TEST_AGENT } from '../../../test/support/agent-user.ts';

const SECRET = 'sk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

function session(name: string, memory?: unknown): AgentSession {
  const manifest = validateSchema({
    version: 1,
    identity: { name, operator: 'op' },
    resources: { cpu: 1, memory: '64MiB', ioBandwidth: '1MiB/s', pids: 8, networkThroughput: '1MiB/s' },
    lifetime: { ttl: '1h' },
    governance: { critical: [] },
    ...(memory === undefined ? {} : { memory }),
  });
  return { aid: `agt_${name}`, lineage: [], manifest, workspace: [], contacted: new Set(), token: 'tok', user: TEST_AGENT };
}

interface Fixture {
  call(s: AgentSession, tool: string, args: unknown): Promise<ToolReply>;
  context: ContextApi;
  store: ContextStoreApi;
  dir: string;
  entries: LedgerEvent[];
  /** Every byte the store keeps of a partition (its SQLite file and WAL). */
  bytes(partition: string): string;
  done(): Promise<void>;
}

function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'octant-memory-tools-'));
  const redactor = new Redactor();
  redactor.add(SECRET);
  const entries: LedgerEvent[] = [];
  const ledger = async (e: LedgerEvent): Promise<LedgerEntry> => { entries.push(e); return { ...e, seq: entries.length - 1, time: '', prev: '' }; };
  const store = createContextStore({ dir: join(dir, 'memory') });
  const context = createContext({ store, redact: (t) => redactor.redactAsync(t), ledger, sharing: sharingRegistry(join(dir, 'sharing.json'), ledger) });
  const mediator = createMediator({
    tools: memoryTools(context),
    ledger,
    approve: async () => ({ approved: false, id: 'x', reason: 'none' }),
    redact: (t) => redactor.redact(t),
    redactAsync: (t) => redactor.redactAsync(t),
  });
  const bytes = (partition: string): string => ['', '-wal'].map((suffix) => {
    try { return readFileSync(join(dir, 'memory', `${partition}.sqlite${suffix}`)).toString('latin1'); } catch { return ''; }
  }).join('');
  return { call: (s, tool, args) => mediator.mediate(s, tool, args), context, store, dir, entries, bytes, done: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

function ok(reply: ToolReply): Record<string, unknown> {
  assert.equal(reply.ok, true, JSON.stringify(reply));
  return (reply as { result: Record<string, unknown> }).result;
}

function refusal(reply: ToolReply, code: string, pattern: RegExp): void {
  assert.equal(reply.ok, false, JSON.stringify(reply));
  const error = (reply as { error: { code: string; message: string } }).error;
  assert.equal(error.code, code);
  assert.match(error.message, pattern);
}

test('a secret the agent tries to store is redacted before it is stored; nothing of it is in the store, the reply or the ledger', async () => {
  const f = fixture();
  try {
    const a = session('alpha', {});
    const put = ok(await f.call(a, 'memory.put', { text: `the deploy key is ${SECRET}, keep it`, key: 'deploy.key', pinned: true }));
    assert.equal(put.stored, `the deploy key is ${REDACTED}, keep it`);
    assert.ok(f.bytes('alpha').length > 0);
    assert.ok(!f.bytes('alpha').includes(SECRET), 'no byte of the store holds the secret');
    assert.ok(f.store.exportLines('alpha').join('\n').includes(REDACTED));
    assert.ok(!JSON.stringify(f.entries).includes(SECRET));
    // The ledger says what happened: which partition, how much, never the text.
    const allowed = f.entries.find((e) => e.action === 'memory.put' && e.decision === 'allow')!;
    assert.equal(allowed.target, 'memory:alpha');
    assert.deepEqual(allowed.detail, { partition: 'alpha', bytes: Buffer.byteLength(`the deploy key is ${SECRET}, keep it`), fact: true, pinned: true, approval: false });
    assert.ok(!JSON.stringify(f.entries).includes('deploy key'), 'no content in the ledger');
    // A secret stored before the vault knew it is redacted on the way out.
    const later = 'ghp_' + 'Z'.repeat(36);
    await f.store.put('alpha', { kind: 'note', text: `old note with ${later}`, importance: 0.5, pinned: false });
    const found = ok(await f.call(a, 'memory.search', { query: 'old note', pinned: true }));
    assert.ok(!JSON.stringify(found).includes(later), JSON.stringify(found));
    assert.equal((found.pinned as unknown[]).length, 1);
  } finally {
    await f.done();
  }
});

test('a fact keyed again supersedes; get by key reads the current one; forget by key removes its whole history', async () => {
  const f = fixture();
  try {
    const a = session('alpha', {});
    ok(await f.call(a, 'memory.put', { text: 'timezone is UTC', key: 'user.timezone' }));
    ok(await f.call(a, 'memory.put', { text: 'timezone is CET', key: 'user.timezone' }));
    assert.equal((ok(await f.call(a, 'memory.get', { key: 'user.timezone' })).memory as { text: string }).text, 'timezone is CET');
    assert.deepEqual(ok(await f.call(a, 'memory.forget', { key: 'user.timezone' })), { forgotten: 2 });
    assert.deepEqual(ok(await f.call(a, 'memory.search', { query: 'timezone' })), { hits: [] });
    assert.equal(ok(await f.call(a, 'memory.get', { key: 'user.timezone' })).memory, null);
    assert.equal(ok(await f.call(a, 'memory.relate', { from: 'alice', relation: 'works_at', to: 'acme' })).stored, 'alice works_at acme');
  } finally {
    await f.done();
  }
});

test('no memory domain: every memory tool is refused, and the refusal is recorded', async () => {
  const f = fixture();
  try {
    const none = session('plain');
    for (const [tool, args] of [['memory.put', { text: 'x' }], ['memory.get', { id: 'x' }], ['memory.search', { query: 'x' }], ['memory.forget', { id: 'x' }], ['memory.relate', { from: 'a', relation: 'b', to: 'c' }]] as const) {
      refusal(await f.call(none, tool, args), 'E_TOOL_DENIED', /has no memory/);
    }
    assert.equal(f.entries.filter((e) => e.decision === 'deny').length, 5);
    assert.deepEqual(f.store.partitions(), []);
    // Its twin: with `memory: {}` the same put works.
    ok(await f.call(session('plain', {}), 'memory.put', { text: 'x' }));
  } finally {
    await f.done();
  }
});

test('partitions: B reads A only when B asks (memory.read) and A shares (memory.shareWith); the shared read is in the ledger; nobody writes another\'s partition', async () => {
  const f = fixture();
  try {
    const a = session('alpha', { shareWith: ['beta'] });
    ok(await f.call(a, 'memory.put', { text: 'the launch window opens at dawn' }));
    const search = (s: AgentSession) => f.call(s, 'memory.search', { query: 'launch window', partition: 'alpha' });
    // B without a grant of its own: refused, naming its manifest.
    refusal(await search(session('beta', {})), 'E_TOOL_DENIED', /your manifest does not ask to read alpha's memory/);
    // B asks, but A has not declared (it never started with its sharing manifest): refused, naming A's side.
    const beta = session('beta', { read: ['alpha'] });
    refusal(await search(beta), 'E_TOOL_DENIED', /alpha does not share its memory with beta/);
    // A starts and declares: recorded in the ledger before it is in force.
    await f.context.attach('alpha', { shareWith: ['beta'] }, { agent: 'agt_alpha', lineage: [] });
    const share = f.entries.find((e) => e.action === 'memory.share')!;
    assert.deepEqual([share.target, share.detail.readers], ['alpha', ['beta']]);
    const hits = ok(await search(beta)).hits as { text: string }[];
    assert.deepEqual(hits.map((h) => h.text), ['the launch window opens at dawn']);
    const read = f.entries.filter((e) => e.agent === 'agt_beta' && e.action === 'memory.search' && e.decision === 'allow').at(-1)!;
    assert.equal(read.target, 'memory:alpha');
    assert.equal(read.detail.shared, true);
    // Another agent A does not share with: refused even though it asks.
    refusal(await search(session('gamma', { read: ['alpha'] })), 'E_TOOL_DENIED', /alpha does not share its memory with gamma/);
    // B's own partition is not A's: B's own search finds nothing of A.
    assert.deepEqual(ok(await f.call(beta, 'memory.search', { query: 'launch window' })), { hits: [] });
    // A withdraws: B is refused again.
    await f.context.attach('alpha', { shareWith: [] }, { agent: 'agt_alpha2', lineage: [] });
    refusal(await search(beta), 'E_TOOL_DENIED', /does not share/);
    // Writing tools take no partition at all.
    refusal(await f.call(beta, 'memory.put', { text: 'x', partition: 'alpha' }), 'E_TOOL_ARGS', /'partition' is not an argument of memory.put/);
    refusal(await f.call(beta, 'memory.forget', { id: 'x', partition: 'alpha' }), 'E_TOOL_ARGS', /'partition'/);
  } finally {
    await f.done();
  }
});

test('arguments are refused by name; each has a working twin', async () => {
  const f = fixture();
  try {
    const a = session('alpha', {});
    refusal(await f.call(a, 'memory.put', {}), 'E_TOOL_ARGS', /'text' must be a string/);
    refusal(await f.call(a, 'memory.put', { text: '   ' }), 'E_TOOL_ARGS', /'text' must not be empty/);
    refusal(await f.call(a, 'memory.put', { text: 'x'.repeat(16 * 1024 + 1) }), 'E_TOOL_ARGS', /'text' is longer/);
    refusal(await f.call(a, 'memory.put', { text: 'x', importance: 2 }), 'E_TOOL_ARGS', /'importance' must be a number from 0 to 1/);
    refusal(await f.call(a, 'memory.put', { text: 'x', pinned: 'yes' }), 'E_TOOL_ARGS', /'pinned' must be true or false/);
    refusal(await f.call(a, 'memory.put', { text: 'x', tags: ['ok', 3] }), 'E_TOOL_ARGS', /'tags\[1\]' must be a string/);
    ok(await f.call(a, 'memory.put', { text: 'x', importance: 1, pinned: false, tags: ['ok'] }));
    refusal(await f.call(a, 'memory.get', {}), 'E_TOOL_ARGS', /'id' or key: give exactly one/);
    refusal(await f.call(a, 'memory.get', { id: 'a', key: 'b' }), 'E_TOOL_ARGS', /exactly one/);
    ok(await f.call(a, 'memory.get', { id: 'a' }));
    refusal(await f.call(a, 'memory.search', { query: 'x', k: 0 }), 'E_TOOL_ARGS', /'k' must be an integer from 1 to 50/);
    ok(await f.call(a, 'memory.search', { query: 'x', k: 50 }));
    refusal(await f.call(a, 'memory.relate', { from: 'a', relation: '', to: 'c' }), 'E_TOOL_ARGS', /'relation' must not be empty/);
  } finally {
    await f.done();
  }
});

test('retention at the owner\'s start: older and over-count memories are forgotten, pinned ones kept, the count (never the text) ledgered first', async () => {
  const f = fixture();
  try {
    let t = 1_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'octant-retention-'));
    const store = createContextStore({ dir: join(dir, 'memory'), now: () => t });
    const entries: LedgerEvent[] = [];
    const ledger = async (e: LedgerEvent): Promise<LedgerEntry> => { entries.push(e); return { ...e, seq: 0, time: '', prev: '' }; };
    const context = createContext({ store, redact: async (x) => x, ledger, sharing: sharingRegistry(join(dir, 'sharing.json'), ledger) });
    await context.put('alpha', { text: 'old pinned', pinned: true });
    await context.put('alpha', { text: 'old' });
    t += 10 * 86_400_000;
    for (let i = 0; i < 5; i++) await context.put('alpha', { text: `new ${i}` });
    const { expired } = await context.attach('alpha', { shareWith: [], retention: { maxAge: 86_400, maxCount: 3 } }, { agent: 'agt_a', lineage: [] });
    assert.equal(expired, 3, 'old, new 0, new 1');
    assert.deepEqual(store.recent('alpha', 100).map((m) => m.text).sort(), ['new 2', 'new 3', 'new 4', 'old pinned']);
    assert.deepEqual(entries.map((e) => [e.action, e.detail.expired]), [['memory.retention', undefined], ['memory.retention.done', 3]]);
    // Twin: without retention nothing goes.
    assert.deepEqual(await context.attach('alpha', { shareWith: [] }, { agent: 'agt_a', lineage: [] }), { expired: 0 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await f.done();
  }
});

// The service's core: fan-out with per-engine timeouts and a deadline,
// fusion with de-duplication, pagination, and the rules it keeps itself
// (no operator-only engine for agents, no remote engine without a way out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineSet } from './engine-set.ts';
import { createSearchCore, type SearchLimits } from './search.ts';
import type { Engine, EngineCategory, EngineFetch, EngineKind, SearchHit, SearchQuery } from './types.ts';

const LIMITS: SearchLimits = { engineTimeoutMs: 200, deadlineMs: 1000, defaultLimit: 10, maxResults: 50, defaultEngines: [] };

function hit(engine: string, id: string, url?: string): SearchHit {
  return { id, engine, title: `${engine} ${id}`, snippet: id, score: 1, ...(url === undefined ? {} : { url }) };
}

/** An engine answering from a fixed list, honouring offset and limit, optionally slow or failing. */
function engine(name: string, ids: readonly string[], options: { kind?: EngineKind; category?: EngineCategory; delayMs?: number; ignoreSignal?: boolean; fail?: Error; urls?: boolean } = {}): Engine & { asked: SearchQuery[] } {
  const asked: SearchQuery[] = [];
  return {
    name, kind: options.kind ?? 'local', category: options.category ?? 'files', description: name, hosts: options.kind === 'remote' ? [`${name}.example`] : [], asked,
    async search(query, ctx) {
      asked.push(query);
      if (options.delayMs !== undefined) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, options.delayMs);
          if (!options.ignoreSignal) ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(ctx.signal.reason); }, { once: true });
        });
      }
      if (options.fail) throw options.fail;
      return ids.slice(query.offset, query.offset + query.limit).map((id) => hit(name, id, options.urls ? `https://example.org/${id}` : undefined));
    },
  };
}

const fetch: EngineFetch = async () => ({ status: 200, headers: {}, text: async () => '' });

test('hits of several engines are fused by rank; each engine is asked for the whole depth of the page', async () => {
  const a = engine('a', ['a1', 'a2', 'a3']);
  const b = engine('b', ['b1', 'b2']);
  const core = createSearchCore(engineSet([() => [a, b]]), LIMITS);
  const result = await core.query({ text: 'x', limit: 2, offset: 1 }, { audience: 'operator' });
  assert.deepEqual(a.asked.map((q) => [q.offset, q.limit]), [[0, 3]], 'offset 0, limit offset+limit');
  // Fused order: a1, b1, a2, b2, a3 (ranks interleave, the earlier engine first on a tie).
  assert.deepEqual(result.hits.map((h) => h.id), ['b1', 'a2']);
  assert.equal(result.total, 5);
  assert.deepEqual(result.engines.map((r) => [r.engine, r.ok, r.hits]), [['a', true, 3], ['b', true, 2]]);
});

test('the same document from two engines is one hit, ranked by both votes', async () => {
  const a = { ...engine('a', []), search: async () => [hit('a', '1', 'https://example.org/doc#intro'), hit('a', '2', 'https://example.org/other')] };
  const b = { ...engine('b', []), search: async () => [hit('b', 'x', 'https://example.org/z'), hit('b', 'y', 'https://example.org/doc')] };
  const core = createSearchCore(engineSet([() => [a, b]]), LIMITS);
  const result = await core.query({ text: 'x', engines: ['a', 'b'] }, { audience: 'operator' });
  assert.equal(result.total, 3);
  assert.equal(result.hits[0].id, '1', 'two votes beat one');
});

test('a slow engine is given up on at its own timeout; a failing one is reported; the others answer', async () => {
  const fast = engine('fast', ['f1']);
  const slow = engine('slow', ['s1'], { delayMs: 5000 });
  const deaf = engine('deaf', ['d1'], { delayMs: 5000, ignoreSignal: true });
  const broken = engine('broken', ['x'], { fail: Object.assign(new Error('upstream said 503'), { code: 'E_SEARCH_UPSTREAM' }) });
  const core = createSearchCore(engineSet([() => [fast, slow, deaf, broken]]), LIMITS);
  const started = Date.now();
  const result = await core.query({ text: 'x', engines: ['fast', 'slow', 'deaf', 'broken'] }, { audience: 'operator' });
  assert.ok(Date.now() - started < 2000, 'the query did not wait for the slow engines');
  assert.deepEqual(result.hits.map((h) => h.id), ['f1']);
  const by = Object.fromEntries(result.engines.map((r) => [r.engine, r]));
  assert.equal(by.slow.error?.code, 'E_SEARCH_TIMEOUT');
  assert.equal(by.deaf.error?.code, 'E_SEARCH_TIMEOUT', 'an engine ignoring its signal is still given up on');
  assert.equal(by.broken.error?.code, 'E_SEARCH_UPSTREAM');
  assert.match(by.broken.error?.message ?? '', /broken: upstream said 503/);
});

test('the overall deadline ends the query when per-engine timeouts are longer', async () => {
  const slow = engine('slow', ['s1'], { delayMs: 5000 });
  const core = createSearchCore(engineSet([() => [slow, engine('fast', ['f1'])]]), { ...LIMITS, engineTimeoutMs: 10_000, deadlineMs: 150 });
  const result = await core.query({ text: 'x', engines: ['slow', 'fast'] }, { audience: 'operator' });
  assert.equal(result.engines[0].error?.code, 'E_SEARCH_DEADLINE');
  assert.deepEqual(result.hits.map((h) => h.id), ['f1']);
});

test('the caller going away abandons the query', async () => {
  const slow = engine('slow', ['s1'], { delayMs: 5000 });
  const core = createSearchCore(engineSet([() => [slow]]), { ...LIMITS, engineTimeoutMs: 10_000, deadlineMs: 10_000 });
  const caller = new AbortController();
  setTimeout(() => caller.abort(), 50);
  const result = await core.query({ text: 'x', engines: ['slow'] }, { audience: 'operator', signal: caller.signal });
  assert.equal(result.engines[0].error?.code, 'E_SEARCH_ABORTED');
});

test('an agent never reaches an operator-only engine; an operator does', async () => {
  const ledger = engine('ledger', ['1'], { category: 'ledger' });
  const core = createSearchCore(engineSet([() => [ledger, engine('notes', ['n1'])]]), LIMITS);
  await assert.rejects(core.query({ text: 'x', engines: ['ledger'] }, { audience: 'agent' }), (e: { code: string }) => e.code === 'E_SEARCH_DENIED');
  assert.deepEqual((await core.query({ text: 'x', engines: ['ledger'] }, { audience: 'operator' })).hits.map((h) => h.id), ['1']);
  // The default set (no engines named) is the local indexes, never the ledger.
  assert.deepEqual((await core.query({ text: 'x' }, { audience: 'operator' })).hits.map((h) => h.engine), ['notes']);
});

test('a remote engine needs a way out; with one it gets the fetch, a local engine never does', async () => {
  let given: EngineFetch | undefined;
  const remote: Engine = { ...engine('web', [], { kind: 'remote' }), search: async (_q, ctx) => { given = ctx.fetch; return [hit('web', 'w1')]; } };
  let localGot: unknown = 'unset';
  const local: Engine = { ...engine('notes', []), search: async (_q, ctx) => { localGot = ctx.fetch; return []; } };
  const core = createSearchCore(engineSet([() => [remote, local]]), LIMITS);
  await assert.rejects(core.query({ text: 'x', engines: ['web'] }, { audience: 'operator' }), (e: { code: string; hint?: string }) => e.code === 'E_SEARCH_REMOTE' && /--remote/.test(e.hint ?? ''));
  const result = await core.query({ text: 'x', engines: ['web', 'notes'] }, { audience: 'operator', fetch });
  assert.equal(given, fetch);
  assert.equal(localGot, undefined);
  assert.equal(result.hits[0].id, 'w1');
});

test('unknown engines, too deep a page and malformed hits', async () => {
  const liar: Engine = { ...engine('liar', []), search: async () => [hit('someone-else', '1'), { id: 2 } as unknown as SearchHit, hit('liar', 'ok')] };
  const core = createSearchCore(engineSet([() => [liar]]), LIMITS);
  await assert.rejects(core.query({ text: 'x', engines: ['liar', 'nope'] }, { audience: 'operator' }), (e: { code: string; message: string }) => e.code === 'E_SEARCH_ENGINE_UNKNOWN' && e.message.startsWith('engines[1]:'));
  await assert.rejects(core.query({ text: 'x', offset: 45, limit: 10 }, { audience: 'operator' }), (e: { code: string; message: string }) => e.code === 'E_SEARCH_QUERY' && /offset/.test(e.message));
  // Hits claiming another engine or missing fields are dropped; the well-formed one stays.
  assert.deepEqual((await core.query({ text: 'x', engines: ['liar'] }, { audience: 'operator' })).hits.map((h) => h.id), ['ok']);
});

test('a name two sources claim is kept by the first and reported', () => {
  const set = engineSet([() => [engine('notes', ['1'])], () => [engine('notes', ['2'], { kind: 'remote' })]]);
  assert.equal(set.get('notes')?.kind, 'local');
  assert.deepEqual(set.clashes(), ['notes']);
});

test('an index registered between two queries is found by the second (sources are read when asked)', async () => {
  const engines: Engine[] = [];
  const core = createSearchCore(engineSet([() => engines]), LIMITS);
  assert.deepEqual((await core.query({ text: 'x' }, { audience: 'operator' })).hits, []);
  engines.push(engine('fresh', ['n1']));
  assert.deepEqual((await core.query({ text: 'x' }, { audience: 'operator' })).hits.map((h) => h.id), ['n1']);
});

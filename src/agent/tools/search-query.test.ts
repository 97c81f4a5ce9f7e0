// search.query through the mediator: what the manifest grants works, what it
// does not is refused AND recorded; the query is in the ledger before it
// runs; hits are redacted; a remote engine's request goes through the
// agent's real egress proxy to a fake engine on 127.0.0.1, which sees no
// cookie, no referrer, no identifying header and the common User-Agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEgressProxy } from '../../kernel/net/proxy.ts';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { REDACTED, Redactor } from '../../services/vault/api.ts';
import { assertCleanRequest, COMMON_USER_AGENT, createSearchCore, engineSet, type Engine, type SearchHit } from '../../services/search/api.ts';
import { createMediator } from '../gateway/mediator.ts';
import type { Manifest } from '../manifest/schema.ts';
import type { SearchGrant } from '../manifest/search-grant.ts';
import { TEST_AGENT } from '../../../test/support/agent-user.ts';
import { hostAllowed, searchQueryTool } from './search-query.ts';
import type { AgentSession } from './tool.ts';

const SECRET = 'ghp_4f9Kq2LmN8pR7sT1vW3xY5zA6bC0dE2fG4hJ';

function local(name: string, category: Engine['category'], hits: Omit<SearchHit, 'engine' | 'score'>[]): Engine {
  return { name, kind: 'local', category, description: name, hosts: [], search: async () => hits.map((h, i) => ({ ...h, engine: name, score: hits.length - i })) };
}

/** A certificate for 127.0.0.1 made for the test with openssl: the fake engine speaks https, as every engine must. */
function selfSigned(dir: string): { key: Buffer; cert: Buffer } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

async function setup(options: { grant?: SearchGrant; critical?: string[]; destinations?: 'engine' | 'none' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'octant-search-tool-'));
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const tls = selfSigned(dir);
  const engineServer = createServer(tls, (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'tracker=1' });
    res.end(JSON.stringify({ results: [{ title: 'Remote result', url: 'https://example.org/remote' }] }));
  });
  await new Promise<void>((r) => engineServer.listen(0, '127.0.0.1', () => r()));
  const port = (engineServer.address() as AddressInfo).port;
  // A remote engine as adapters are written: it only ever calls ctx.fetch.
  // Its careless twin tries to send a cookie and a referrer.
  const adapter = (name: string, headers: Record<string, string>): Engine => ({
    name, kind: 'remote', category: 'web', description: 'a web engine', hosts: [`127.0.0.1:${port}`],
    async search(query, ctx) {
      const res = await ctx.fetch!(`https://127.0.0.1:${port}/search?q=${encodeURIComponent(query.text)}`, { headers: { accept: 'application/json', ...headers }, signal: ctx.signal });
      const body = JSON.parse(await res.text()) as { results: { title: string; url: string }[] };
      return body.results.map((r, i) => ({ id: r.url, engine: name, title: r.title, url: r.url, snippet: '', score: 10 - i }));
    },
  });
  const remote = adapter('web', {});
  const careless = adapter('leaky', { cookie: 'session=abc', referer: 'https://me.example/' });
  const engines = [
    local('notes', 'files', [{ id: '/n/1', title: 'Deploy notes', snippet: `token ${SECRET} in «deploy»` }]),
    local('docs', 'docs', [{ id: '/d/1', title: 'Docs', snippet: 'docs' }]),
    local('ledger', 'ledger', [{ id: '1', title: 'entry', snippet: 'x' }]),
    remote,
    careless,
  ];
  const memory = memoryLedger();
  const destinations = options.destinations === 'none' ? [] : [{ host: '127.0.0.1/32', ports: [port, port] as [number, number], protocol: 'https' as const }];
  const proxy = await startEgressProxy({ policy: { id: 'agt_search', network: destinations, limits: {} }, socketPath: join(dir, 'egress.sock'), audit: memory.append });
  const manifest = {
    network: { destinations },
    governance: { critical: options.critical ?? [] },
    ...(options.grant === undefined ? {} : { search: options.grant }),
  } as unknown as Manifest;
  const session: AgentSession = { aid: 'agt_search', lineage: [], manifest, workspace: [dir], contacted: new Set(), token: 'tok', egressSocket: proxy.socketPath, user: TEST_AGENT };
  const redactor = new Redactor();
  redactor.add(SECRET);
  const approvals: string[] = [];
  const mediator = createMediator({
    tools: [searchQueryTool({ ca: tls.cert, search: createSearchCore(engineSet([() => engines]), { engineTimeoutMs: 5000, deadlineMs: 10_000, defaultLimit: 10, maxResults: 100, defaultEngines: [] }) })],
    ledger: memory.append,
    approve: async (r) => { approvals.push(r.reason); return { approved: true, id: 'apr_1', reason: 'test' }; },
    redact: (t) => redactor.redact(t),
    redactAsync: (t) => redactor.redactAsync(t),
  });
  return {
    session, mediator, memory, seen, approvals, port,
    cleanup: async () => { await proxy.close(); engineServer.closeAllConnections(); engineServer.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

type Reply = { ok: boolean; result?: { hits: { title: string; snippet: string; engine: string }[]; engines: { engine: string; ok: boolean }[] }; error?: { code: string; message: string } };

test('a granted index: hits come back redacted, the query is in the ledger before it runs and its outcome after', async () => {
  const t = await setup({ grant: { engines: [], indexes: ['notes'] } });
  const reply = await t.mediator.mediate(t.session, 'search.query', { query: 'deploy', indexes: ['notes'] }) as Reply;
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.equal(reply.result?.hits[0].title, 'Deploy notes');
  assert.equal(reply.result?.hits[0].snippet, `token ${REDACTED} in «deploy»`);
  assert.ok(!JSON.stringify(reply).includes(SECRET));
  assert.deepEqual(t.memory.actions(), ['search.query:deploy:allow', 'search.query.done:deploy:ok']);
  // Without indexes or engines named: every granted one (here: notes only, never docs or the ledger).
  const all = await t.mediator.mediate(t.session, 'search.query', { query: 'anything' }) as Reply;
  assert.deepEqual(all.result?.engines.map((e) => e.engine), ['notes']);
  await t.cleanup();
});

test('an injected query that asks for a non-allowed engine is refused and recorded; nothing is sent', async () => {
  const t = await setup({ grant: { engines: [], indexes: ['notes'] } });
  // What a prompt injection would ask for: the remote engine (exfiltration by query), another index, the ledger.
  const asks: [Record<string, unknown>, RegExp][] = [
    [{ query: 'the secret is hunter2', engines: ['web'] }, /engines\[0\]: web is not a remote engine this agent may query/],
    [{ query: 'x', indexes: ['docs'] }, /indexes\[0\]: docs is not a local index this agent may search/],
    [{ query: 'x', indexes: ['ledger'] }, /indexes\[0\]: ledger is not a local index/],
    [{ query: 'x', indexes: ['notes'], engines: ['nosuch'] }, /engines\[0\]: nosuch/],
  ];
  for (const [args, why] of asks) {
    const reply = await t.mediator.mediate(t.session, 'search.query', args) as Reply;
    assert.equal(reply.ok, false);
    assert.equal(reply.error?.code, 'E_TOOL_DENIED');
    assert.match(reply.error?.message ?? '', why);
  }
  assert.equal(t.seen.length, 0, 'the engine never heard of it');
  assert.deepEqual(t.memory.entries.map((e) => [e.action, e.decision, e.detail.code]), asks.map(() => ['search.query', 'deny', 'E_TOOL_DENIED']));
  assert.equal(t.memory.entries[0].target, 'the secret is hunter2', 'the refused query is recorded with what it asked');
  assert.match(String(t.memory.entries[0].detail.reason), /web is not a remote engine/);
  await t.cleanup();
});

test('the ledger is never an agent\'s, even with every index granted; no grant at all refuses every query', async () => {
  const t = await setup({ grant: { engines: [], indexes: ['*'] } });
  const ledger = await t.mediator.mediate(t.session, 'search.query', { query: 'x', indexes: ['ledger'] }) as Reply;
  assert.equal(ledger.error?.code, 'E_TOOL_DENIED');
  const all = await t.mediator.mediate(t.session, 'search.query', { query: 'x' }) as Reply;
  assert.deepEqual(all.result?.engines.map((e) => e.engine).sort(), ['docs', 'notes']);
  await t.cleanup();
  const none = await setup();
  const refused = await none.mediator.mediate(none.session, 'search.query', { query: 'x', indexes: ['notes'] }) as Reply;
  assert.match(refused.error?.message ?? '', /grants no search/);
  await none.cleanup();
});

test('a granted remote engine whose hosts network.destinations does not allow is refused, naming the host', async () => {
  const t = await setup({ grant: { engines: ['web'], indexes: [] }, destinations: 'none' });
  const reply = await t.mediator.mediate(t.session, 'search.query', { query: 'x', engines: ['web'] }) as Reply;
  assert.equal(reply.error?.code, 'E_TOOL_DENIED');
  assert.match(reply.error?.message ?? '', new RegExp(`web needs 127\\.0\\.0\\.1:${t.port}, which network\\.destinations does not allow`));
  // Not named: the unreachable engine is left out of "every granted one", and nothing is left.
  const all = await t.mediator.mediate(t.session, 'search.query', { query: 'x' }) as Reply;
  assert.equal(all.error?.code, 'E_TOOL_DENIED');
  assert.equal(t.seen.length, 0);
  await t.cleanup();
});

test('privacy at the proxy: a remote query goes through the agent\'s egress proxy; the engine sees no cookie, referrer or identifying header, and the common User-Agent', async () => {
  const t = await setup({ grant: { engines: ['web'], indexes: ['notes'] } });
  const reply = await t.mediator.mediate(t.session, 'search.query', { query: 'private question', engines: ['web'] }) as Reply;
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.equal(reply.result?.hits[0]?.title, 'Remote result', JSON.stringify(reply.result?.engines));
  assert.equal(t.seen.length, 1);
  const headers = t.seen[0].headers;
  assert.equal(headers.cookie, undefined, 'the adapter\'s cookie was dropped');
  assert.equal(headers.referer, undefined, 'the adapter\'s referrer was dropped');
  assert.equal(headers['user-agent'], COMMON_USER_AGENT);
  for (const name of Object.keys(headers)) assert.ok(!/^(x-|via$|forwarded$|from$|authorization$|origin$)/.test(name), `identifying header ${name} arrived`);
  // The privacy rules' own check, on what arrived at the far side of the proxy (host and connection are the transport's).
  const { host: _host, connection: _connection, ...sent } = headers;
  assert.doesNotThrow(() => assertCleanRequest({ url: t.seen[0].url, method: 'GET', headers: sent }));
  assert.equal(t.seen[0].url, '/search?q=private%20question');
  // The proxy decided and recorded the connection (a CONNECT tunnel) after the gateway's allow.
  const kinds = t.memory.entries.map((e) => `${e.kind}:${e.decision}`);
  assert.deepEqual([kinds[0], kinds.at(-1)], ['action:allow', 'action:ok']);
  assert.ok(kinds.includes('net:allow'), kinds.join(' '));
  await t.cleanup();
});

test('an adapter that tries to send a cookie or a referrer is refused before anything leaves', async () => {
  const t = await setup({ grant: { engines: ['leaky'], indexes: [] } });
  const reply = await t.mediator.mediate(t.session, 'search.query', { query: 'x', engines: ['leaky'] }) as Reply;
  assert.equal(reply.ok, true, 'the query itself is answered; the engine is reported failed');
  const report = (reply.result as unknown as { engines: { engine: string; ok: boolean; error?: string }[] }).engines[0];
  assert.equal(report.ok, false);
  assert.match(report.error ?? '', /privacy rule 'header'|privacy rule 'no-cookie'|cookie/i);
  assert.equal(t.seen.length, 0, 'nothing reached the engine');
  await t.cleanup();
});

test('a remote query is also net.request: a manifest that makes net.request critical waits for approval; a local one does not', async () => {
  const t = await setup({ grant: { engines: ['web'], indexes: ['notes'] }, critical: ['net.request'] });
  await t.mediator.mediate(t.session, 'search.query', { query: 'x', indexes: ['notes'] });
  assert.deepEqual(t.approvals, []);
  await t.mediator.mediate(t.session, 'search.query', { query: 'x', engines: ['web'] });
  assert.deepEqual(t.approvals, ['governance.critical lists net.request']);
  await t.cleanup();
});

test('bad arguments name the field', async () => {
  const t = await setup({ grant: { engines: [], indexes: ['notes'] } });
  const cases: [unknown, RegExp][] = [
    [{}, /argument 'query'/],
    [{ query: '' }, /argument 'query'/],
    [{ query: 'a\nb' }, /argument 'query'/],
    [{ query: 'x', limit: 0 }, /argument 'limit'/],
    [{ query: 'x', offset: -1 }, /argument 'offset'/],
    [{ query: 'x', indexes: 'notes' }, /argument 'indexes'/],
    [{ query: 'x', indexes: ['Bad Name'] }, /argument 'indexes\[0\]'/],
    [{ query: 'x', filters: { lang: 7 } }, /argument 'filters\.lang'/],
    [{ query: 'x', extra: 1 }, /argument 'extra'/],
  ];
  for (const [args, why] of cases) {
    const reply = await t.mediator.mediate(t.session, 'search.query', args) as Reply;
    assert.equal(reply.error?.code, 'E_TOOL_ARGS', JSON.stringify(args));
    assert.match(reply.error?.message ?? '', why);
  }
  await t.cleanup();
});

test('hostAllowed: by the manifest\'s containment of destinations, wildcards and ports included', () => {
  const d = (host: string, ports: number, protocol: 'https' | 'http' | 'tcp') => ({ host, ports: [ports, ports] as [number, number], protocol });
  assert.ok(hostAllowed([d('*.wikipedia.org', 443, 'https')], '*.wikipedia.org'));
  assert.ok(hostAllowed([d('*', 443, 'tcp')], 'api.github.com'));
  assert.ok(!hostAllowed([d('en.wikipedia.org', 443, 'https')], '*.wikipedia.org'), 'one name does not cover every edition');
  assert.ok(!hostAllowed([d('api.github.com', 80, 'http')], 'api.github.com:443'));
  assert.ok(hostAllowed([d('127.0.0.1/32', 8080, 'http')], '127.0.0.1:8080'));
  assert.ok(!hostAllowed([], 'example.org'));
});

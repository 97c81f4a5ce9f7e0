import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEgressProxy } from '../../kernel/net/proxy.ts';
import { memoryLedger } from '../../services/ledger/testing/memory-ledger.ts';
import { REDACTED, Redactor } from '../../services/vault/api.ts';
import type { OutboundRequest } from '../../services/vault/api.ts';
import { createMediator } from '../gateway/mediator.ts';
import type { Manifest } from '../manifest/schema.ts';
import { httpFetchTool } from './http-fetch.ts';
import { TEST_AGENT } from '../../../test/support/agent-user.ts';
import type { AgentSession } from './tool.ts';

const SECRET = 'svc-key-7f3a9c1e5b2d4f6a8c0e';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

async function setup(options: { newDestinationIsCritical?: boolean; approve?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'octant-fetch-'));
  const seen: { auth?: string; url?: string }[] = [];
  const allowed = createServer((req, res) => {
    seen.push({ auth: req.headers.authorization, url: req.url });
    res.writeHead(req.headers.authorization === `Bearer ${SECRET}` ? 200 : 401, { 'content-type': 'text/plain' });
    const auth = req.headers.authorization ?? 'nothing';
    const url = new URL(req.url ?? '/', 'http://x');
    // A reflecting service pads its echo as the agent asks: the credential straddles the 1 MiB cap.
    if (url.pathname === '/pad') {
      const pad = Number(url.searchParams.get('n'));
      for (let sent = 0; sent < pad; sent += 65_536) res.write('.'.repeat(Math.min(65_536, pad - sent)));
      res.end(`${auth}${'.'.repeat(1000)}`);
      return;
    }
    if (url.pathname === '/b64') { res.end(`{"headers":"${Buffer.from(`authorization: ${auth}`).toString('base64')}"}`); return; }
    // A careless service echoes the credential back; redaction must catch it.
    res.end(`hello; you sent ${auth}`);
  });
  const other = createServer((_req, res) => res.end('should never be reached'));
  const port = await listen(allowed);
  const otherPort = await listen(other);
  const memory = memoryLedger();
  const events = memory.entries;
  const ledger = memory.append;
  const destinations = [{ host: '127.0.0.1/32', ports: [port, port] as [number, number], protocol: 'http' as const }];
  const proxy = await startEgressProxy({ policy: { id: 'agt_fetch', network: destinations, limits: {} }, socketPath: join(dir, 'egress.sock'), audit: ledger });
  const manifest = { network: { destinations }, governance: { critical: [] } } as unknown as Manifest;
  const session: AgentSession = { aid: 'agt_fetch', lineage: [], manifest, workspace: [dir], contacted: new Set(), token: 'tok', egressSocket: proxy.socketPath, user: TEST_AGENT };
  const injected: string[] = [];
  const redactor = new Redactor(); // the vault's: values injected join its set
  const injectPlaceholders = async (token: string, request: OutboundRequest): Promise<OutboundRequest> => {
    assert.equal(token, 'tok');
    const url = new URL(request.url);
    if (url.port !== String(port)) throw Object.assign(new Error('E_VAULT_DENIED'), {});
    injected.push(request.url);
    redactor.add(SECRET);
    return { url: request.url, headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, v.replace('octant-secret:svc-key', SECRET)])) };
  };
  const approvals: string[] = [];
  const mediator = createMediator({
    tools: [httpFetchTool({ injectPlaceholders, redactStream: () => redactor.redactStream(), newDestinationIsCritical: options.newDestinationIsCritical })],
    ledger,
    approve: async (r) => { approvals.push(r.reason); return { approved: options.approve ?? true, id: 'apr_1', reason: 'test' }; },
    redact: (t) => redactor.redact(t),
    redactAsync: (t) => redactor.redactAsync(t),
  });
  return {
    port, otherPort, events, seen, injected, approvals, session, mediator,
    cleanup: async () => { await proxy.close(); allowed.closeAllConnections(); other.closeAllConnections(); allowed.close(); other.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

test('an allowlisted fetch gets the vault-injected credential; the agent sees only a placeholder and a redacted echo', async () => {
  const t = await setup();
  const reply = await t.mediator.mediate(t.session, 'http.fetch', { url: `http://127.0.0.1:${t.port}/data`, headers: { authorization: 'Bearer octant-secret:svc-key' } });
  assert.equal(reply.ok, true);
  const result = (reply as { result: { status: number; body: string } }).result;
  assert.equal(result.status, 200);
  assert.equal(t.seen[0].auth, `Bearer ${SECRET}`, 'the service received the real credential');
  assert.ok(!JSON.stringify(reply).includes(SECRET), 'the agent never sees the secret');
  assert.equal(result.body, `hello; you sent Bearer ${REDACTED}`);
  // Ledger: the gateway's allow precedes the proxy's own record, then the outcome.
  assert.deepEqual(t.events.map((e) => [e.kind, e.decision]).slice(0, 1), [['action', 'allow']]);
  assert.ok(t.events.some((e) => e.kind !== 'action' && e.decision === 'allow'), 'the proxy recorded the connection');
  assert.ok(!JSON.stringify(t.events).includes(SECRET), 'no secret in the ledger');
  await t.cleanup();
});

test('a destination outside the manifest is refused before any connection', async () => {
  const t = await setup();
  for (const url of [`http://127.0.0.1:${t.otherPort}/`, 'http://evil.example.net/', `https://127.0.0.1:${t.port}/`]) {
    const reply = await t.mediator.mediate(t.session, 'http.fetch', { url });
    assert.equal(!reply.ok && reply.error.code, 'E_TOOL_DENIED', url);
  }
  assert.equal(t.seen.length, 0);
  assert.deepEqual(t.events.map((e) => e.decision), ['deny', 'deny', 'deny']);
  await t.cleanup();
});

test('the new-destination policy asks for approval once per host', async () => {
  const t = await setup({ newDestinationIsCritical: true, approve: true });
  await t.mediator.mediate(t.session, 'http.fetch', { url: `http://127.0.0.1:${t.port}/a` });
  await t.mediator.mediate(t.session, 'http.fetch', { url: `http://127.0.0.1:${t.port}/b` });
  assert.deepEqual(t.approvals, [`first request to 127.0.0.1:${t.port}`]);
  await t.cleanup();
});

test('bad arguments name the field', async () => {
  const t = await setup();
  const cases: [unknown, RegExp][] = [
    [{ url: 'http://127.0.0.1/', method: 'TRACE' }, /method/],
    [{ url: 'http://127.0.0.1/', headers: { 'x-a': 'b\r\nInjected: 1' } }, /headers\.x-a/],
    [{ url: 'ftp://127.0.0.1/' }, /url/],
    [{ url: 'http://127.0.0.1/', extra: 1 }, /extra/],
  ];
  for (const [args, pattern] of cases) {
    const reply = await t.mediator.mediate(t.session, 'http.fetch', args);
    assert.equal(!reply.ok && reply.error.code, 'E_TOOL_ARGS', JSON.stringify(args));
    assert.match(!reply.ok ? reply.error.message : '', pattern);
  }
  await t.cleanup();
});

test('a credential reflected across the 1 MiB cap is withheld at every cut, never half shown', async () => {
  const t = await setup();
  const MAX = 1024 * 1024;
  const echo = `Bearer ${SECRET}`;
  // Cuts before, inside and after the echoed value, including one character short of its end.
  for (const shown of [0, 1, 2, 7, 8, 9, 20, echo.length - 1, echo.length, echo.length + 1]) {
    const reply = await t.mediator.mediate(t.session, 'http.fetch', { url: `http://127.0.0.1:${t.port}/pad?n=${MAX - shown}`, headers: { authorization: 'Bearer octant-secret:svc-key' } });
    assert.equal(reply.ok, true);
    const { body, truncated } = (reply as { result: { body: string; truncated: boolean } }).result;
    assert.equal(truncated, true);
    const tail = body.slice(MAX - shown - 20);
    // At most PARTIAL_MIN - 1 characters of the secret itself can show at the cut.
    assert.ok(!tail.includes(SECRET.slice(0, 3)), `cut after ${shown} characters of the echo: ${JSON.stringify(tail)}`);
    assert.ok(!body.includes(SECRET));
  }
  await t.cleanup();
});

test('base64 of a whole reflected header (Bearer <secret>) is redacted', async () => {
  const t = await setup();
  const reply = await t.mediator.mediate(t.session, 'http.fetch', { url: `http://127.0.0.1:${t.port}/b64`, headers: { authorization: 'Bearer octant-secret:svc-key' } });
  const body = (reply as { result: { body: string } }).result.body;
  assert.ok(body.includes(REDACTED), body);
  assert.ok(!body.includes(Buffer.from(SECRET).toString('base64').slice(4, 20)));
  await t.cleanup();
});

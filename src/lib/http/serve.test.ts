// The HTTP core through a real Unix socket: routing with :params, bodies
// checked by their schemas (400 naming the field), the one error mapping,
// NDJSON and SSE replies, the limits, and the typed client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, OctantError } from '../errors.ts';
import { createClient, requestJson } from './client.ts';
import { serveUnix, type Served } from './listen.ts';
import { endpoint, json, ndjson, on, route, sse, type RouteGroup } from './route.ts';
import type { HttpApp } from './serve.ts';

const SURFACE = { label: 'test API', prefix: 'E_T' };

const ITEMS = {
  get: endpoint<{ id: string; q: string | null }>()({ method: 'GET', path: '/items/:id' }),
  nested: endpoint<{ id: string; sub: string }>()({ method: 'GET', path: '/items/:id/parts/:sub' }),
  create: endpoint<{ made: string; count: number }>()({
    method: 'POST', path: '/items',
    body: { type: 'object', properties: { name: { type: 'string', minLength: 1 }, count: { type: 'integer', min: 1, default: 1 }, tags: { type: 'array', items: { type: 'string' } } }, required: ['name'] },
  }),
  checked: endpoint<{ even: number }>()({
    method: 'POST', path: '/even',
    body: (value: unknown): number => {
      if (typeof value !== 'number' || value % 2 !== 0) throw new OctantError('E_T_ODD', 'request body: expects an even number', { exit: EXIT.usage });
      return value;
    },
  }),
  count: endpoint<AsyncIterable<{ n: number }>>()({ method: 'GET', path: '/count' }),
};

async function* counting(upTo: number, failAt?: number): AsyncIterable<{ n: number }> {
  for (let n = 1; n <= upTo; n++) {
    if (n === failAt) throw new OctantError('E_T_SOURCE', 'the source failed', { exit: EXIT.unavailable });
    yield { n };
  }
}

const routes = [
  route(ITEMS.get, ({ params, query }) => ({ id: params.id, q: query.get('q') })),
  route(ITEMS.nested, ({ params }) => ({ id: params.id, sub: params.sub })),
  route(ITEMS.create, ({ body }) => json({ made: body.name, count: body.count ?? 0 }, { status: 201 })),
  route(ITEMS.checked, ({ body }) => ({ even: body })),
  route(ITEMS.count, ({ query }) => ndjson(counting(3, Number(query.get('failAt') ?? 0)))),
  on('GET', '/throw/:kind', ({ params }) => {
    if (params.kind === 'usage') throw new OctantError('E_T_X', 'bad', { exit: EXIT.usage });
    if (params.kind === 'denied') throw new OctantError('E_T_X', 'no', { exit: EXIT.denied });
    if (params.kind === 'unavailable') throw new OctantError('E_T_X', 'later', { exit: EXIT.unavailable, hint: 'wait' });
    if (params.kind === 'rate') throw new OctantError('E_T_RATE', 'slow down', { detail: { status: 429, retryAfterMs: 2500 } });
    throw new TypeError('a bug');
  }),
  on('GET', '/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ok: true };
  }),
];

/** A group with its own error shape and a context that authenticates before the body is read. */
const guarded: RouteGroup<{ who: string }> = {
  prefix: '/api',
  context: ({ headers }) => {
    if (headers.authorization !== 'Bearer good') throw new OctantError('E_T_AUTH', 'who are you', { detail: { status: 401 } });
    return { who: 'good' };
  },
  errors: { body: (error, status) => ({ problem: { status, message: error instanceof Error ? error.message : String(error) } }), sseEvent: 'error', statuses: { E_T_SPENT: 402 } },
  routes: [
    on('POST', '/whoami', ({ context, body }) => ({ who: context, body })),
    on('GET', '/spent', () => { throw new OctantError('E_T_SPENT', 'budget spent'); }),
    on('GET', '/events', ({ query }) => sse((async function* () {
      yield { data: { n: 1 } };
      yield { event: 'tick', data: { n: 2 } };
      if (query.get('fail') !== null) throw new OctantError('E_T_SOURCE', 'broke mid-stream');
      yield { data: '[DONE]' };
    })())),
  ],
};

async function withApp(run: (served: Served) => Promise<void>, extra: Partial<HttpApp> = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'octant-http-'));
  const groups: RouteGroup[] = [{ prefix: '/v1', routes }];
  const served = await serveUnix<unknown>({
    surface: SURFACE,
    groups: () => [...groups, guarded],
    limits: { maxBodyBytes: 1024, headTimeoutMs: 300, bodyTimeoutMs: 300 },
    ...extra,
  }, join(dir, 'sub', 'http.sock'));
  try {
    await run(served);
  } finally {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function raw(socketPath: string, text: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(socketPath);
    let got = '';
    c.setEncoding('latin1').on('data', (d: string) => { got += d; });
    c.on('close', () => resolve(got));
    c.on('error', () => {});
    c.setTimeout(5_000, () => c.destroy());
    c.write(text);
  });
}

function get(socketPath: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    request({ socketPath, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    }).on('error', reject).end();
  });
}

test('the socket is 0600; routes match with :params (decoded, one segment each) and the query', () => withApp(async ({ address }) => {
  assert.equal(statSync(address).mode & 0o777, 0o600);
  const t = { socketPath: address };
  assert.deepEqual((await requestJson(t, 'GET', '/v1/items/a%20b?q=1')).body, { id: 'a b', q: '1' });
  assert.deepEqual((await requestJson(t, 'GET', '/v1/items/x/parts/y')).body, { id: 'x', sub: 'y' });
  // An encoded slash stays inside its segment.
  assert.deepEqual((await requestJson(t, 'GET', '/v1/items/a%2Fb')).body, { id: 'a/b', q: null });
  for (const path of ['/v1/items/', '/v1/items/a/b', '/v1/items', '/items/a', '/v1/items/%E0%A4%A']) {
    const reply = await requestJson(t, 'GET', path);
    assert.equal(reply.status, 404, path);
    assert.deepEqual((reply.body as { error: { code: string; message: string } }).error.code, 'E_T_NOT_FOUND', path);
  }
  // The method is part of the route.
  const wrong = await requestJson(t, 'DELETE', '/v1/items/a');
  assert.equal(wrong.status, 404);
  assert.match((wrong.body as { error: { message: string } }).error.message, /^test API: no route DELETE \/v1\/items\/a$/);
}));

test('a body is checked by its schema: defaults filled, a refusal is 400 naming the field', () => withApp(async ({ address }) => {
  const t = { socketPath: address };
  assert.deepEqual(await requestJson(t, 'POST', '/v1/items', { name: 'n' }), { status: 201, body: { made: 'n', count: 1 } });
  const cases: Array<[unknown, string, RegExp]> = [
    [{}, 'name', /request body: name: required key is missing/],
    [{ name: '' }, 'name', /request body: name: must not be empty/],
    [{ name: 'n', count: 1.5 }, 'count', /request body: count: expected an integer, got 1.5/],
    [{ name: 'n', tags: ['a', 3] }, 'tags[1]', /request body: tags\[1\]: expected a string, got number 3/],
    [{ name: 'n', colour: 'red' }, 'colour', /request body: colour: unknown key \(known: name, count, tags\)/],
    [undefined, '', /request body: \(top level\): expected a mapping, got nothing/],
    [['n'], '', /expected a mapping, got a list/],
  ];
  for (const [body, field, message] of cases) {
    const reply = await requestJson(t, 'POST', '/v1/items', body);
    assert.equal(reply.status, 400, JSON.stringify(body));
    const error = (reply.body as { error: { code: string; message: string; detail: { field: string }; exit: number } }).error;
    assert.equal(error.code, 'E_T_BODY');
    assert.equal(error.exit, EXIT.usage);
    assert.equal(error.detail.field, field);
    assert.match(error.message, message);
  }
  // A check function instead of a schema: its value and its refusal.
  assert.deepEqual((await requestJson(t, 'POST', '/v1/even', 4)).body, { even: 4 });
  const odd = await requestJson(t, 'POST', '/v1/even', 3);
  assert.equal(odd.status, 400);
  assert.equal((odd.body as { error: { code: string } }).error.code, 'E_T_ODD');
  // Strict JSON before any schema (lib/json-body.ts).
  const dup = await new Promise<string>((resolve) => {
    request({ socketPath: address, method: 'POST', path: '/v1/items', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d; }).on('end', () => resolve(`${res.statusCode} ${text}`));
    }).end('{"name":"a","name":"b"}');
  });
  assert.match(dup, /^400 .*E_T_BODY.*member name \\"name\\" appears twice/);
}));

test('one error mapping: exit codes, detail.status with Retry-After, a surface\'s own statuses and shape, 500 for anything else', () => withApp(async ({ address }) => {
  const t = { socketPath: address };
  const statusOf = async (path: string): Promise<number> => (await requestJson(t, 'GET', path)).status;
  assert.equal(await statusOf('/v1/throw/usage'), 400);
  assert.equal(await statusOf('/v1/throw/denied'), 403);
  assert.equal(await statusOf('/v1/throw/unavailable'), 503);
  const rate = await get(address, '/v1/throw/rate');
  assert.equal(rate.status, 429);
  assert.equal(rate.headers['retry-after'], '3');
  const bug = await requestJson(t, 'GET', '/v1/throw/bug');
  assert.equal(bug.status, 500);
  assert.deepEqual(bug.body, { error: { code: 'E_T_INTERNAL', message: 'a bug', exit: EXIT.failure } });
  // The group's shape and statuses; its context runs first (401 before the route).
  assert.deepEqual(await requestJson(t, 'GET', '/api/spent'), { status: 401, body: { problem: { status: 401, message: 'who are you' } } });
  const spent = await get(address, '/api/spent', { authorization: 'Bearer good' });
  assert.equal(spent.status, 402);
  assert.deepEqual(JSON.parse(spent.text), { problem: { status: 402, message: 'budget spent' } });
}));

test('the context refuses before the body is read: a 401 for an oversize body, not a 413', () => withApp(async ({ address }) => {
  const reply = await raw(address, `POST /api/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n`);
  assert.match(reply, /^HTTP\/1\.1 401 /);
  const ok = await raw(address, `POST /api/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{"a":1}`);
  assert.match(ok, /^HTTP\/1\.1 200 /);
  assert.match(ok, /\{"who":\{"who":"good"\},"body":\{"a":1\}\}/);
}));

test('NDJSON: values as lines; a failure before the first keeps its status, one after cuts the stream', () => withApp(async ({ address }) => {
  const client = createClient({ socketPath: address }, '/v1');
  const got: number[] = [];
  for await (const { n } of client.stream(ITEMS.count)) got.push(n);
  assert.deepEqual(got, [1, 2, 3]);
  await assert.rejects(async () => { for await (const _ of client.stream(ITEMS.count, undefined, { query: { failAt: '1' } })) { /* none */ } }, { code: 'E_T_SOURCE', exit: EXIT.unavailable });
  const cut = await raw(address, 'GET /v1/count?failAt=3 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(cut, /^HTTP\/1\.1 200 /);
  assert.match(cut, /\{"n":2\}/);
  assert.doesNotMatch(cut, /\r\n0\r\n\r\n$/, 'no clean end of a chunked body: the client sees the stream break');
}));

test('SSE: named and unnamed events, strings as they are; an error mid-stream is an event in the surface\'s shape', () => withApp(async ({ address }) => {
  const ok = await get(address, '/api/events', { authorization: 'Bearer good' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['content-type'], 'text/event-stream');
  assert.equal(ok.text, 'data: {"n":1}\n\nevent: tick\ndata: {"n":2}\n\ndata: [DONE]\n\n');
  const broken = await get(address, '/api/events?fail=1', { authorization: 'Bearer good' });
  assert.equal(broken.status, 200);
  assert.equal(broken.text, 'data: {"n":1}\n\nevent: tick\ndata: {"n":2}\n\nevent: error\ndata: {"problem":{"status":500,"message":"broke mid-stream"}}\n\n');
}));

test('limits: 413 declared or streamed (reply arrives, connection closes), 408 for a late body, head timeout; the next request is served', () => withApp(async ({ address }) => {
  const t = { socketPath: address };
  const declared = await raw(address, `POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`);
  assert.match(declared, /^HTTP\/1\.1 413 /);
  assert.match(declared, /connection: close/i);
  assert.match(declared, /request body of 5000 bytes exceeds the limit of 1024 bytes/);
  const streamed = await raw(address, `POST /v1/items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(4000).toString(16)}\r\n${'x'.repeat(4000)}\r\n0\r\n\r\n`);
  assert.match(streamed, /^HTTP\/1\.1 413 /);
  assert.match(streamed, /"code":"E_T_BODY_TOO_LARGE"/);
  const late = await raw(address, 'POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n{"na');
  assert.match(late, /^HTTP\/1\.1 408 /);
  assert.match(late, /"code":"E_T_BODY_TIMEOUT"/);
  const start = performance.now();
  const noHead = await raw(address, 'GET /v1/items/a HTTP/1.1\r\nHost: x\r\n');
  assert.equal(noHead, '', 'closed without a reply');
  assert.ok(performance.now() - start < 4_000);
  // A reply may take longer than the head time; a body just under the limit is read whole.
  assert.deepEqual((await requestJson(t, 'GET', '/v1/slow')).body, { ok: true });
  assert.equal((await requestJson(t, 'POST', '/v1/items', { name: 'x'.repeat(1000) })).status, 201);
}));

test('while unavailable a missing route is 503 with a hint; present routes answer', () => withApp(async ({ address }) => {
  const t = { socketPath: address };
  const reply = await requestJson(t, 'GET', '/v1/nothing');
  assert.equal(reply.status, 503);
  assert.deepEqual((reply.body as { error: { code: string; hint: string } }).error.code, 'E_T_UNAVAILABLE');
  assert.equal((await requestJson(t, 'GET', '/v1/items/a')).status, 200);
}, { unavailable: () => 'booting' }));

test('the typed client: results typed by the declaration, params filled in, errors rebuilt with code and exit', () => withApp(async ({ address }) => {
  const client = createClient({ socketPath: address }, '/v1');
  const item = await client.call(ITEMS.get, undefined, { params: { id: 'a/b c' }, query: { q: 'z' } });
  assert.deepEqual(item, { id: 'a/b c', q: 'z' });
  const made: { made: string; count: number } = await client.call(ITEMS.create, { name: 'typed', count: 2 });
  assert.deepEqual(made, { made: 'typed', count: 2 });
  await assert.rejects(client.call(ITEMS.create, { name: '' }), { code: 'E_T_BODY', exit: EXIT.usage, message: 'test API: request body: name: must not be empty' });
  await assert.rejects(client.call(ITEMS.get), { code: 'E_HTTP_CLIENT', exit: EXIT.usage });
  // Nothing listening: the connect error, or the caller's own.
  const gone = createClient({ socketPath: `${address}.none` }, '/v1', { connectError: (e) => new OctantError('E_T_DOWN', e.code ?? 'down', { exit: EXIT.unavailable }) });
  await assert.rejects(gone.call(ITEMS.get, undefined, { params: { id: 'a' } }), { code: 'E_T_DOWN', exit: EXIT.unavailable });
}));

test('connections: a refused one is closed at once, an admitted one released when it closes', async () => {
  let open = 0;
  const seen: string[] = [];
  await withApp(async ({ address }) => {
    const t = { socketPath: address };
    assert.equal((await requestJson(t, 'GET', '/v1/items/a')).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(seen, ['admit', 'release']);
    open = 1; // the cap is reached: the next connection is refused
    await assert.rejects(requestJson(t, 'GET', '/v1/items/a'));
  }, {
    connections: {
      admit: () => { seen.push('admit'); return open === 0; },
      release: () => { seen.push('release'); },
    },
  });
});

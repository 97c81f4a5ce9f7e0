// One hostile agent at every gateway limit, with a second agent's gateway
// beside it: the hostile one is refused (connections dropped, 429, 413), the
// refusals are recorded (throttled), and the other agent is served throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentSession } from '../tools/tool.ts';
import { ByteRate, DescriptorBudget, limitRecorder, openFileLimit, type LimitKind } from './limits.ts';
import type { Mediator } from './mediator.ts';
import { startGateway, type Gateway } from './server.ts';
import { openConnections } from '../../../test/support/connections.ts';
import { until } from '../../../test/support/until.ts';

const TOKEN = 'tok-hostile';

/** A mediator whose one tool waits until released: requests stay in flight. */
function slowMediator(): { mediator: Mediator; release(): void; waiting(): number } {
  let release!: () => void;
  let waiting = 0;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  return {
    release: () => release(),
    waiting: () => waiting,
    mediator: { tools: [], mediate: async () => { waiting += 1; await gate; waiting -= 1; return { ok: true, result: 'done' }; } },
  };
}

function call(socketPath: string, path: string, body = '{}', token = TOKEN): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'POST', agent: false, headers: { connection: 'close', authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function gateway(dir: string, name: string, mediator: Mediator, extra: Partial<Parameters<typeof startGateway>[0]> = {}): Promise<Gateway> {
  const session = { aid: `agt_${name}`, lineage: [], contacted: new Set(), token: TOKEN } as unknown as AgentSession;
  return startGateway({ socketPath: join(dir, `${name}.sock`), session, token: TOKEN, mediator, ...extra });
}

test('a hostile agent at every limit is refused and recorded, while another agent is served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-limits-'));
  const hits: LimitKind[] = [];
  const slow = slowMediator();
  const hostile = await gateway(dir, 'hostile', slow.mediator, {
    limits: { maxConnections: 8, maxInFlight: 4, maxBodyBytes: 1024, bytesPerSecond: 4096 },
    onLimit: (kind) => hits.push(kind),
  });
  const other = await gateway(dir, 'other', { tools: [], mediate: async () => ({ ok: true, result: 'fine' }) });
  const sockets: Socket[] = [];
  try {
    // In flight: 4 held, the 5th gets 429 at once.
    const held = Array.from({ length: 4 }, () => call(hostile.socketPath, '/octant/v1/tools/fs.read'));
    await until('4 requests held in the mediator', () => slow.waiting() === 4);
    const fifth = await call(hostile.socketPath, '/octant/v1/tools/fs.read');
    assert.equal(fifth.status, 429);
    assert.match(fifth.body, /E_GATEWAY_LIMIT_IN_FLIGHT/);
    assert.ok(Number(fifth.headers['retry-after']) >= 1);
    await new Promise((resolve) => setTimeout(resolve, 50)); // its connection closes
    // Connections: 4 are open for the held requests; 4 more fill the cap, the rest are dropped.
    const { sockets: opened, closed } = openConnections(hostile.socketPath, 10);
    sockets.push(...opened);
    await until('6 of 10 connections dropped', () => closed.filter(Boolean).length >= 6);
    await new Promise((resolve) => setTimeout(resolve, 100)); // and no more than 6
    assert.equal(closed.filter(Boolean).length, 6, `dropped: ${closed}`);
    // The other agent is served all along.
    assert.equal((await call(other.socketPath, '/octant/v1/tools/fs.read')).status, 200);
    for (const s of sockets) s.destroy();
    slow.release();
    assert.deepEqual((await Promise.all(held)).map((r) => r.status), [200, 200, 200, 200]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Size: 413 with a reply, not a reset.
    const big = await call(hostile.socketPath, '/octant/v1/tools/fs.read', JSON.stringify({ pad: 'x'.repeat(2000) }));
    assert.equal(big.status, 413);
    assert.match(big.body, /E_GATEWAY_BODY_TOO_LARGE/);
    // Throughput: 4 KiB a second; the fifth 1000-byte request in the same second is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(hostile.socketPath, '/octant/v1/tools/fs.read', JSON.stringify({ pad: 'y'.repeat(980) }))).status);
    assert.ok(statuses.includes(429), `statuses ${statuses}`);
    assert.equal(statuses[0], 200);
    assert.deepEqual([...new Set(hits)].sort(), ['body-bytes', 'bytes-per-second', 'connections', 'in-flight']);
    assert.equal((await call(other.socketPath, '/octant/v1/tools/fs.read')).status, 200);
  } finally {
    for (const s of sockets) s.destroy();
    slow.release();
    await hostile.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the daemon-wide descriptor budget is shared: when agents have used it, new connections are dropped, and freed ones count again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-limits-'));
  const budget = new DescriptorBudget(3);
  const hits: LimitKind[] = [];
  const a = await gateway(dir, 'a', { tools: [], mediate: async () => ({ ok: true, result: 1 }) }, { descriptors: budget, onLimit: (k) => hits.push(k) });
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < 3; i++) sockets.push(connect(a.socketPath));
    await until('the gateway to count 3 connections', () => budget.inUse === 3);
    await assert.rejects(call(a.socketPath, '/octant/v1/tools/x'));
    assert.deepEqual(hits, ['daemon-descriptors']);
    for (const s of sockets) s.destroy();
    await until('the gateway to release the closed connections', () => budget.inUse === 0);
    assert.equal((await call(a.socketPath, '/octant/v1/tools/x')).status, 200);
  } finally {
    for (const s of sockets) s.destroy();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('limit hits are recorded at most once per kind per interval, counting the ones in between', async () => {
  let t = 0;
  const recorded: Record<string, unknown>[] = [];
  const hit = limitRecorder(async (kind, detail) => { recorded.push({ kind, ...detail }); }, 1000, () => t);
  for (let i = 0; i < 5; i++) hit('connections', {});
  hit('in-flight', {});
  t = 1500;
  hit('connections', {});
  assert.deepEqual(recorded.map((r) => [r.kind, r.hitsSincePrevious]), [['connections', 1], ['in-flight', 1], ['connections', 5]]);
});

test('bytes per second: a window budget, reset each second', () => {
  let t = 0;
  const rate = new ByteRate(100, () => t);
  assert.equal(rate.take(60), true);
  assert.equal(rate.take(60), true); // the budget was not yet spent when it came
  assert.equal(rate.take(1), false);
  assert.ok(rate.retryAfterMs() > 0);
  t = 1000;
  assert.equal(rate.take(1), true);
});

test('the open-file limit is read from /proc/self/limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-limits-'));
  const file = join(dir, 'limits');
  writeFileSync(file, 'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            4096                 524288               files     \n');
  assert.equal(openFileLimit(file), 4096);
  assert.ok(openFileLimit() > 0);
  rmSync(dir, { recursive: true, force: true });
});

test('the gateway\'s own endpoints refuse malformed bodies with 400 naming the problem, and the next request is served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-limits-'));
  const seen: unknown[] = [];
  const g = await gateway(dir, 'strict', { tools: [], mediate: async (_s, _n, args) => { seen.push(args); return { ok: true, result: 1 }; } });
  try {
    for (const [body, why] of [
      ['{"path":', /is not JSON/],
      [`${'['.repeat(5000)}${']'.repeat(5000)}`, /nested more than 64/],
      ['{"n": 1e999}', /not finite/],
      ['{"path": "\\ud800"}', /lone surrogate/],
      ['{"path": "a", "path": "b"}', /twice|duplicate/i],
    ] as const) {
      const r = await call(g.socketPath, '/octant/v1/tools/fs.read', body);
      assert.equal(r.status, 400, `${body.slice(0, 30)}: ${r.body}`);
      assert.match(r.body, /E_GATEWAY_BODY/);
      assert.match(r.body, why);
    }
    assert.deepEqual(seen, [], 'nothing malformed reached the mediator');
    const ok = await call(g.socketPath, '/octant/v1/tools/fs.read', '{"path":"/scratch/a"}');
    assert.equal(ok.status, 200);
    assert.deepEqual(seen, [{ path: '/scratch/a' }]);
  } finally {
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

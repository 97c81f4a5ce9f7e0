import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEgressProxy, type NetAuditEvent, type EgressProxyOptions } from './proxy.ts';
import type { NetDestination } from '../sandbox-policy.ts';
import { openConnections } from '../../../test/support/connections.ts';

interface Upstreams {
  httpPort: number;
  echoPort: number;
  connections: () => number;
  seenHeaders: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

async function upstreams(): Promise<Upstreams> {
  let connections = 0;
  const seenHeaders: IncomingHttpHeaders[] = [];
  const web = createHttpServer((req, res) => {
    seenHeaders.push(req.headers);
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => res.end(`hello ${req.method} ${req.url} ${body}`));
  });
  web.on('connection', () => { connections += 1; });
  const sockets = new Set<Socket>();
  const echo = createTcpServer((s) => { sockets.add(s); s.pipe(s); });
  echo.on('connection', () => { connections += 1; });
  const httpPort = await listen(web);
  const echoPort = await listen(echo);
  return {
    httpPort,
    echoPort,
    connections: () => connections,
    seenHeaders,
    close: async () => {
      for (const s of sockets) s.destroy();
      web.closeAllConnections();
      await Promise.all([new Promise((r) => web.close(r)), new Promise((r) => echo.close(r))]);
    },
  };
}

async function withProxy(network: NetDestination[], body: (ctx: { socketPath: string; events: (NetAuditEvent & { upstreamAtAppend: number })[]; up: Upstreams; resolved: string[] }) => Promise<void>, overrides: Partial<EgressProxyOptions> = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'octant-proxy-'));
  const up = await upstreams();
  const events: (NetAuditEvent & { upstreamAtAppend: number })[] = [];
  const resolved: string[] = [];
  const names: Record<string, string> = { 'local.test': '127.0.0.1', 'public.test': '127.0.0.1' };
  const proxy = await startEgressProxy({
    policy: { id: 'agt_test', network, limits: {} },
    lineage: ['agt_parent'],
    socketPath: join(dir, 'egress.sock'),
    audit: async (event) => { events.push({ ...event, upstreamAtAppend: up.connections() }); },
    resolve: async (name) => { resolved.push(name); if (!(name in names)) throw new Error('NXDOMAIN'); return [names[name]]; },
    ...overrides,
  });
  try {
    await body({ socketPath: proxy.socketPath, events, up, resolved });
  } finally {
    await proxy.close();
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function get(socketPath: string, url: string, headers: Record<string, string> = {}, method = 'GET', payload?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: url, method, headers: { host: 'ignored.invalid', ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** CONNECT through the proxy; on 200 send `message` and read the echo. */
function tunnel(socketPath: string, authority: string, message = 'ping'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'CONNECT', path: authority });
    req.on('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        let body = head.toString();
        socket.on('data', (c: Buffer) => { body += c.toString(); });
        socket.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        socket.on('close', () => resolve({ status: res.statusCode ?? 0, body }));
        return;
      }
      socket.write(message);
      socket.once('data', (c: Buffer) => { socket.destroy(); resolve({ status: 200, body: c.toString() }); });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const loop = (protocol: NetDestination['protocol'], ports: [number, number] = [1, 65535]): NetDestination => ({ host: '127.0.0.1', ports, protocol });

test('plain http to an allowed destination is proxied, recorded first, with the checked Host', async () => {
  await withProxy([loop('http')], async ({ socketPath, events, up }) => {
    const res = await get(socketPath, `http://127.0.0.1:${up.httpPort}/path?q=1`, { host: 'evil.test', 'proxy-authorization': 'x' }, 'POST', 'data');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'hello POST /path?q=1 data');
    assert.equal(events.length, 1);
    assert.equal(events[0].decision, 'allow');
    assert.equal(events[0].kind, 'net');
    assert.equal(events[0].action, 'http');
    assert.equal(events[0].agent, 'agt_test');
    assert.deepEqual(events[0].lineage, ['agt_parent']);
    assert.equal(events[0].target, `127.0.0.1:${up.httpPort}`);
    assert.equal(events[0].upstreamAtAppend, 0, 'the ledger entry precedes the upstream connection');
    assert.equal(up.seenHeaders[0].host, `127.0.0.1:${up.httpPort}`);
    assert.equal(up.seenHeaders[0]['proxy-authorization'], undefined);
  });
});

test('plain http to a refused destination gets 403 with a reason and no upstream connection', async () => {
  await withProxy([loop('http', [1, 10])], async ({ socketPath, events, up }) => {
    const res = await get(socketPath, `http://127.0.0.1:${up.httpPort}/`);
    assert.equal(res.status, 403);
    assert.match(res.body, /not in the allowlist for plain http/);
    assert.equal(events[0].decision, 'deny');
    assert.equal(up.connections(), 0);
    const https = await get(socketPath, `https://127.0.0.1:${up.httpPort}/`);
    assert.equal(https.status, 403);
    assert.match(https.body, /use CONNECT/);
    const userinfo = await get(socketPath, `http://127.0.0.1@evil.test:${up.httpPort}/`);
    assert.equal(userinfo.status, 403);
    assert.match(userinfo.body, /userinfo/);
    assert.equal(events.length, 3);
    assert.ok(events.every((e) => e.decision === 'deny'));
    assert.equal(up.connections(), 0);
  });
});

test('CONNECT to an allowed tcp/https destination tunnels bytes both ways', async () => {
  await withProxy([loop('tcp')], async ({ socketPath, events, up }) => {
    const res = await tunnel(socketPath, `127.0.0.1:${up.echoPort}`, 'round trip');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'round trip');
    assert.equal(events.length, 1);
    assert.equal(events[0].action, 'connect');
    assert.equal(events[0].decision, 'allow');
    assert.equal(events[0].upstreamAtAppend, 0);
  });
});

test('CONNECT refusals: wrong port, wrong protocol, numeric tricks, userinfo', async () => {
  await withProxy([loop('https', [443, 443]), { host: '127.0.0.1', ports: [1, 65535], protocol: 'http' }], async ({ socketPath, events, up }) => {
    for (const target of [`127.0.0.1:${up.echoPort}`, `2130706433:${up.echoPort}`, `0x7f.1:${up.echoPort}`, `0177.0.0.1:${up.echoPort}`, `user@127.0.0.1:${up.echoPort}`, `[::ffff:7f00:1]:${up.echoPort}`]) {
      const res = await tunnel(socketPath, target);
      assert.equal(res.status, 403, target);
      assert.match(res.body, /^egress refused: /, target);
    }
    assert.equal(up.connections(), 0);
    assert.equal(events.length, 6);
    assert.ok(events.every((e) => e.decision === 'deny'));
  });
});

test('IPv4-mapped IPv6 literal reaches the IPv4 rule it maps to', async () => {
  await withProxy([loop('tcp')], async ({ socketPath, up }) => {
    const res = await tunnel(socketPath, `[::ffff:127.0.0.1]:${up.echoPort}`, 'mapped');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'mapped');
  });
});

test('names: unlisted names are never resolved; listed ones resolve once and connect to that address', async () => {
  let calls = 0;
  const rebinding = async (name: string): Promise<string[]> => {
    calls += 1;
    // A rebinding resolver: the first answer is allowed, later ones are not.
    if (name !== 'local.test') throw new Error('NXDOMAIN');
    return [calls === 1 ? '127.0.0.1' : '127.0.0.2'];
  };
  await withProxy([{ host: 'local.test', ports: [1, 65535], protocol: 'tcp' }, { host: '127.0.0.1', ports: [1, 65535], protocol: 'tcp' }], async ({ socketPath, events, up }) => {
    const secret = await tunnel(socketPath, `c2VjcmV0.evil.test:${up.echoPort}`);
    assert.equal(secret.status, 403);
    assert.equal(calls, 0, 'an unlisted name must not reach the resolver');
    const ok = await tunnel(socketPath, `local.test:${up.echoPort}`, 'named');
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'named');
    assert.equal(calls, 1);
    assert.equal(events[1].detail.address, '127.0.0.1');
  }, { resolve: rebinding });
});

test('a listed name that resolves to loopback needs a CIDR rule for loopback', async () => {
  await withProxy([{ host: 'local.test', ports: [1, 65535], protocol: 'tcp' }], async ({ socketPath, up, resolved }) => {
    const res = await tunnel(socketPath, `local.test:${up.echoPort}`);
    assert.equal(res.status, 403);
    assert.match(res.body, /resolves to local address 127\.0\.0\.1/);
    assert.deepEqual(resolved, ['local.test']);
    assert.equal(up.connections(), 0);
  });
});

test('fail closed: when the ledger cannot record, nothing connects', async () => {
  await withProxy([loop('tcp'), loop('http')], async ({ socketPath, up }) => {
    const res = await tunnel(socketPath, `127.0.0.1:${up.echoPort}`);
    assert.equal(res.status, 503);
    assert.match(res.body, /ledger did not record/);
    const plain = await get(socketPath, `http://127.0.0.1:${up.httpPort}/`);
    assert.equal(plain.status, 503);
    assert.equal(up.connections(), 0);
  }, { audit: async () => { throw new Error('disk full'); } });
});

test('the upstream connection waits for a slow ledger append', async () => {
  let connectionsDuringAppend = -1;
  let upRef: Upstreams | undefined;
  await withProxy([loop('tcp')], async ({ socketPath, up }) => {
    upRef = up;
    const res = await tunnel(socketPath, `127.0.0.1:${up.echoPort}`, 'slow');
    assert.equal(res.status, 200);
    assert.equal(connectionsDuringAppend, 0);
  }, {
    audit: async () => {
      await new Promise((r) => setTimeout(r, 50));
      connectionsDuringAppend = upRef!.connections();
    },
  });
});

test('an unreachable allowed destination answers 502 after recording', async () => {
  // Port 1 (tcpmux) has no listener on a test machine. A port freed by
  // closing a server of our own could be taken by a parallel test in between.
  const port = 1;
  await withProxy([loop('tcp')], async ({ socketPath, events }) => {
    const res = await tunnel(socketPath, `127.0.0.1:${port}`);
    assert.equal(res.status, 502);
    assert.equal(events[0].decision, 'allow');
  });
});

test('with an approval hook, an allowed connection waits for it: refused without approval and no upstream contact; approved goes through', async () => {
  const asked: string[] = [];
  let verdict = false;
  await withProxy([loop('http')], async ({ socketPath, events, up }) => {
    const refused = await get(socketPath, `http://127.0.0.1:${up.httpPort}/x`);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /not approved/);
    assert.equal(up.connections(), 0);
    assert.equal(events.at(-1)!.decision, 'deny');
    verdict = true;
    const allowed = await get(socketPath, `http://127.0.0.1:${up.httpPort}/x`);
    assert.equal(allowed.status, 200);
    assert.equal(events.at(-1)!.decision, 'allow');
    assert.deepEqual(asked, [`127.0.0.1:${up.httpPort}`, `127.0.0.1:${up.httpPort}`]);
  }, { approve: async (c) => { asked.push(c.target); return verdict; } });
});

test('an approval hook that throws refuses the connection (fail closed)', async () => {
  await withProxy([loop('http')], async ({ socketPath, up }) => {
    const res = await get(socketPath, `http://127.0.0.1:${up.httpPort}/x`);
    assert.equal(res.status, 403);
    assert.equal(up.connections(), 0);
  }, { approve: async () => { throw new Error('gate down'); } });
});

test('one agent cannot hold more proxy connections than its cap: the extra ones are closed, the others keep working', async () => {
  await withProxy([loop('tcp')], async ({ socketPath, up }) => {
    const { closed, destroyAll } = openConnections(socketPath, 6);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(closed.filter(Boolean).length, 2, `closed: ${closed}`);
    destroyAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Freed: a tunnel works again.
    const res = await get(socketPath, `http://127.0.0.1:${up.httpPort}/again`);
    assert.notEqual(res.status, 0);
  }, { maxConnections: 4 });
});

test('with a shared descriptor budget, each proxy connection takes two (its own and the upstream\'s); when it is spent new ones are closed; closing gives them back', async () => {
  let used = 0;
  const budget = { take: () => (used < 4 ? (used += 1, true) : false), release: () => { used -= 1; } };
  await withProxy([loop('tcp')], async ({ socketPath }) => {
    const { closed, destroyAll } = openConnections(socketPath, 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(closed, [false, false, true], 'two connections fit in four descriptors; the third is closed');
    assert.equal(used, 4);
    destroyAll();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(used, 0, 'all given back');
  }, { descriptors: budget });
});

// Router overhead: the latency and throughput the router adds over calling a
// provider directly. A fake OpenAI server runs in a worker thread (its own
// event loop); requests go either straight to it or through the gateway
// (HTTP in, auth, policy, budget reserve/settle, two ledger appends, HTTP
// out). Also compares node:http against fetch for the outbound hop.
// Usage: node bench/router.ts [--requests N] [--seconds S]
// Prints p50/p95/p99 per path and the added overhead at 1, 16 and 64 clients.

import http from 'node:http';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { createRouter } from '../src/services/router/router.ts';
import { createGatewayHandler, serveGateway } from '../src/services/router/gateway/server.ts';
import { startFakeOpenAI } from '../src/services/router/testing/fake-openai.ts';
import { memoryLedger } from '../src/services/router/testing/memory-ledger.ts';
import { testInjector } from '../src/services/router/testing/test-injector.ts';

if (!isMainThread) {
  const fake = await startFakeOpenAI();
  parentPort!.postMessage(fake.origin);
  parentPort!.on('message', async () => {
    await fake.close();
    process.exit(0);
  });
} else {
  await benchMain();
}

async function benchMain(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '4000' }, seconds: { type: 'string', default: '8' } } });
  const maxRequests = Number(values.requests);
  const maxMs = Number(values.seconds) * 1000;
  const worker = new Worker(new URL(import.meta.url), { execArgv: process.execArgv });
  const origin = await new Promise<string>((resolve) => worker.once('message', resolve));
  const ledger = memoryLedger();
  const router = createRouter({
    config: { deployments: [{ id: 'fake', provider: 'openai', model: 'gpt-fake', baseUrl: `${origin}/v1`, credential: 'k', price: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: { tools: true, vision: true, json: true }, tier: 2 }], routes: [] },
    injector: testInjector({ k: 'sk-bench' }),
    ledger,
  });
  const gw = await serveGateway(createGatewayHandler({ router, authenticate: async (t) => (t === 'tok' ? { agent: 'bench', lineage: [], budget: { usdPerDay: 1e9 } } : undefined) }), { port: 0 });
  const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hello bench' }], max_tokens: 16 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  const viaHttp = (base: string) => (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = http.request(`${base}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer tok', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  const viaFetch = (base: string) => async (): Promise<void> => {
    const res = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer tok' }, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  };

  async function measure(fn: () => Promise<void>, clients: number): Promise<{ lat: number[]; rps: number }> {
    const lat: number[] = [];
    let sent = 0;
    const start = performance.now();
    const deadline = start + maxMs;
    await Promise.all(Array.from({ length: clients }, async () => {
      while (sent < maxRequests && performance.now() < deadline) {
        sent++;
        const t = performance.now();
        await fn();
        lat.push(performance.now() - t);
      }
    }));
    const secs = (performance.now() - start) / 1000;
    lat.sort((a, b) => a - b);
    return { lat, rps: lat.length / secs };
  }
  const pct = (s: number[], p: number): number => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  const f = (n: number): string => n.toFixed(3).padStart(8);

  // Warm up both paths (JIT, keep-alive sockets).
  await measure(viaHttp(origin), 8);
  await measure(viaHttp(gw.address), 8);

  console.log(`router overhead, ${maxRequests} requests or ${maxMs / 1000} s per run, node ${process.version}`);
  console.log('clients  path             p50 ms   p95 ms   p99 ms    req/s');
  for (const clients of [1, 16, 64]) {
    const direct = await measure(viaHttp(origin), clients);
    const routed = await measure(viaHttp(gw.address), clients);
    for (const [name, r] of [['direct', direct], ['via router', routed]] as const) {
      console.log(`${String(clients).padStart(7)}  ${name.padEnd(12)} ${f(pct(r.lat, 50))} ${f(pct(r.lat, 95))} ${f(pct(r.lat, 99))} ${r.rps.toFixed(0).padStart(8)}`);
    }
    console.log(`${String(clients).padStart(7)}  ${'added'.padEnd(12)} ${f(pct(routed.lat, 50) - pct(direct.lat, 50))} ${f(pct(routed.lat, 95) - pct(direct.lat, 95))} ${f(pct(routed.lat, 99) - pct(direct.lat, 99))}   ratio ${(routed.rps / direct.rps).toFixed(2)}`);
  }
  const h = await measure(viaHttp(origin), 16);
  const fe = await measure(viaFetch(origin), 16);
  console.log(`outbound client at 16 clients: node:http p50 ${pct(h.lat, 50).toFixed(3)} ms ${h.rps.toFixed(0)} req/s; fetch p50 ${pct(fe.lat, 50).toFixed(3)} ms ${fe.rps.toFixed(0)} req/s; fetch/http throughput ratio ${(fe.rps / h.rps).toFixed(2)}`);
  console.log(`ledger entries written: ${ledger.entries.length}`);
  await gw.close();
  worker.postMessage('stop');
  agent.destroy();
}

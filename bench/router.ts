// Router overhead: the latency and throughput the router adds over calling a
// provider directly. As in production, the measured thread runs the router
// alone: the fake OpenAI provider runs in one worker thread and the load
// generator in another (each its own event loop). Requests go either straight
// from the load generator to the fake ("direct") or through the gateway
// ("via router": HTTP in, auth, policy, budget reserve/settle, two ledger
// appends, HTTP out). Each run is bounded by a request count and a time.
// Usage: node bench/router.ts [--requests N] [--seconds S] [--clients 1,16,64] [--listen unix|tcp]
// Profile the router thread: node --cpu-prof --cpu-prof-dir=/tmp/prof bench/router.ts
// Prints p50/p95/p99 per path, the added latency and req/s per client count.

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { createRouter } from '../src/services/router/router.ts';
import { createGatewayHandler, serveGateway } from '../src/services/router/gateway/server.ts';
import { startFakeOpenAI } from '../src/services/router/testing/fake-openai.ts';
import { memoryLedger } from '../src/services/router/testing/memory-ledger.ts';
import { testInjector } from '../src/services/router/testing/test-injector.ts';

interface LoadJob {
  role: 'load';
  origin: string;
  gateway: string;
  clients: number[];
  maxRequests: number;
  maxMs: number;
}

interface Run {
  clients: number;
  path: 'direct' | 'via router';
  lat: number[];
  rps: number;
  errors: number;
}

if (isMainThread) await benchMain();
else if ((workerData as { role: string }).role === 'fake') await fakeWorker();
else await loadWorker(workerData as LoadJob);

async function fakeWorker(): Promise<void> {
  const fake = await startFakeOpenAI();
  parentPort!.postMessage(fake.origin);
  parentPort!.once('message', async () => {
    await fake.close();
    process.exit(0);
  });
}

async function loadWorker(job: LoadJob): Promise<void> {
  const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hello bench' }], max_tokens: 16 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer tok', 'content-length': Buffer.byteLength(body) };
  const unixAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  // A gateway address is http://host:port or a Unix socket path (an agent's gateway socket).
  const one = (base: string) => (): Promise<boolean> =>
    new Promise((resolve) => {
      const target = base.startsWith('/') ? { socketPath: base, path: '/v1/chat/completions', agent: unixAgent } : { ...urlOptions(`${base}/v1/chat/completions`), agent };
      const req = http.request({ ...target, method: 'POST', headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      });
      req.on('error', () => resolve(false));
      req.end(body);
    });

  async function measure(fn: () => Promise<boolean>, clients: number, path: Run['path']): Promise<Run> {
    const lat: number[] = [];
    let sent = 0;
    let errors = 0;
    const start = performance.now();
    const deadline = start + job.maxMs;
    await Promise.all(Array.from({ length: clients }, async () => {
      while (sent < job.maxRequests && performance.now() < deadline) {
        sent++;
        const t = performance.now();
        if (await fn()) lat.push(performance.now() - t);
        else errors++;
      }
    }));
    lat.sort((a, b) => a - b);
    return { clients, path, lat, rps: lat.length / ((performance.now() - start) / 1000), errors };
  }

  const direct = one(job.origin);
  const routed = one(job.gateway);
  // Warm up both paths (JIT, keep-alive sockets).
  await measure(direct, 16, 'direct');
  await measure(routed, 16, 'via router');
  for (const clients of job.clients) {
    parentPort!.postMessage(await measure(direct, clients, 'direct'));
    parentPort!.postMessage('start');
    parentPort!.postMessage(await measure(routed, clients, 'via router'));
  }
  agent.destroy();
  unixAgent.destroy();
  parentPort!.postMessage('done');
}

function urlOptions(url: string): http.RequestOptions {
  const u = new URL(url);
  return { host: u.hostname, port: u.port, path: u.pathname };
}

async function benchMain(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, seconds: { type: 'string', default: '5' }, clients: { type: 'string', default: '1,16,64' }, listen: { type: 'string', default: 'unix' } } });
  if (values.listen !== 'unix' && values.listen !== 'tcp') throw new Error(`--listen expects unix or tcp, got '${values.listen}'`);
  const maxRequests = Number(values.requests);
  const maxMs = Number(values.seconds) * 1000;
  const clients = values.clients.split(',').map(Number);
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof'));
  const fake = new Worker(new URL(import.meta.url), { execArgv, workerData: { role: 'fake' } });
  const origin = await new Promise<string>((resolve) => fake.once('message', resolve));

  // The measured thread: the router and its gateway, nothing else.
  const ledger = memoryLedger();
  const router = createRouter({
    config: { deployments: [{ id: 'fake', provider: 'openai', model: 'gpt-fake', baseUrl: `${origin}/v1`, credential: 'k', price: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: { tools: true, vision: true, json: true }, tier: 2 }], routes: [] },
    injector: testInjector({ k: 'sk-bench' }),
    ledger,
  });
  const caller = { agent: 'bench', lineage: [], budget: { usdPerDay: 1e9 } };
  // Agents reach the gateway on a Unix socket (the default here); --listen tcp is the operator's `router serve`.
  const dir = mkdtempSync(join(tmpdir(), 'octant-bench-router-'));
  const handler = createGatewayHandler({ router, authenticate: async (t) => (t === 'tok' ? caller : undefined) });
  const gw = await serveGateway(handler, values.listen === 'unix' ? { path: join(dir, 'gateway.sock') } : { port: 0 });
  // The memory ledger keeps every entry; drop them now and then so the heap stays flat.
  const trim = setInterval(() => ledger.entries.splice(0, ledger.entries.length), 1000);

  const load = new Worker(new URL(import.meta.url), { execArgv, workerData: { role: 'load', origin, gateway: gw.address, clients, maxRequests, maxMs } satisfies LoadJob });
  const pct = (s: number[], p: number): number => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  const f = (n: number): string => n.toFixed(3).padStart(8);
  console.log(`router overhead, at most ${maxRequests} requests and ${maxMs / 1000} s per run, node ${process.version}, ${availableParallelism()} cores; load generator and fake provider in worker threads; gateway on ${values.listen === 'unix' ? 'a Unix socket' : 'TCP 127.0.0.1'}`);
  console.log('clients  path             p50 ms   p95 ms   p99 ms    req/s  errors');
  let direct: Run | undefined;
  // The router thread's own CPU time per routed request: what bounds its
  // throughput on one core, whatever else the machine is running.
  let cpu = process.threadCpuUsage();
  const cpuLines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    load.on('error', reject);
    load.on('message', (m: Run | 'done' | 'start') => {
      if (m === 'done') return resolve();
      if (m === 'start') {
        cpu = process.threadCpuUsage();
        return;
      }
      console.log(`${String(m.clients).padStart(7)}  ${m.path.padEnd(12)} ${f(pct(m.lat, 50))} ${f(pct(m.lat, 95))} ${f(pct(m.lat, 99))} ${m.rps.toFixed(0).padStart(8)} ${String(m.errors).padStart(7)}`);
      if (m.path === 'direct') direct = m;
      else if (direct !== undefined) {
        const used = process.threadCpuUsage(cpu);
        const perRequest = (used.user + used.system) / (m.lat.length + m.errors);
        cpuLines.push(`${String(m.clients).padStart(7)}  router thread CPU ${perRequest.toFixed(0)} us/request (user ${(used.user / (m.lat.length + m.errors)).toFixed(0)}, system ${(used.system / (m.lat.length + m.errors)).toFixed(0)}): one core serves at most ${(1e6 / perRequest).toFixed(0)} req/s`);
        console.log(`${String(m.clients).padStart(7)}  ${'added'.padEnd(12)} ${f(pct(m.lat, 50) - pct(direct.lat, 50))} ${f(pct(m.lat, 95) - pct(direct.lat, 95))} ${f(pct(m.lat, 99) - pct(direct.lat, 99))}   router/direct throughput ${(m.rps / direct.rps).toFixed(2)}`);
      }
    });
  });
  for (const line of cpuLines) console.log(line);
  clearInterval(trim);
  await gw.close();
  router.close();
  fake.postMessage('stop');
  await load.terminate();
  rmSync(dir, { recursive: true, force: true });
}

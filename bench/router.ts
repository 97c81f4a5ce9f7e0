// Router overhead: the latency and throughput the router adds over calling a
// provider directly. As in production, the measured thread runs the router
// alone: the fake OpenAI provider runs in one worker thread and the load
// generator in another (each its own event loop). Requests go either straight
// from the load generator to the fake ("direct") or through the gateway
// ("via router": HTTP in, auth, policy, budget reserve/settle, the decision
// durable in the ledger, the vault's injection, HTTP out, the outcome
// record). By default with the production parts: the ledger on disk and a
// real vault (--parts real); --parts stand-in measures the router's own
// work alone; --via proxy puts a forwarding proxy with no logic where the
// router was, the floor any proxy adds on this machine (router-parts.ts).
// Each run is bounded by a request count and a time.
// Two kinds of run:
// - closed loop: N clients each send a request, wait for the reply, repeat
//   (--clients; throughput is whatever the slowest hop allows, and the added
//   latency under saturation is mostly queueing);
// - open loop at a fixed rate (--rate R req/s for --seconds S): requests are
//   issued on a schedule whether or not earlier ones have answered, and each
//   latency is measured from its scheduled send time, so a stall delays every
//   request scheduled during it and shows in the percentiles (no coordinated
//   omission: Tene, "How NOT to Measure Latency"). A request with no reply
//   within --drain seconds after the last send counts as infinitely slow.
// The load generator and the fake are raw-socket HTTP/1.1 (router-wire.ts:
// prebuilt requests, one precomputed OpenAI reply) so that they take as
// little of the machine as they can; both paths use the same two.
// Each run also prints, per thread, its CPU share, event-loop delay and GC
// pauses, and how much of the vCPUs' time the host took (steal): where a tail
// comes from. --threads 2 runs the fake in the load generator's thread.
// Usage: node bench/router.ts [--requests N] [--seconds S] [--clients 1,16,64]
//          [--rate 2000[,3000]] [--drain S] [--listen unix|tcp] [--threads 3|2]
//          [--parts real|stand-in] [--via router|proxy] [--repeat N]
//   --repeat N runs each load N times in a row and ends with the median of
//   each figure over those runs (on a noisy host one run says little).
//   --clients '' skips the closed-loop runs, --rate '' the fixed-rate runs.
// Profile the router thread: node --cpu-prof --cpu-prof-dir=/tmp/prof bench/router.ts
// Prints p50/p95/p99 per path, the added latency and req/s per run.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { PerformanceObserver, constants as perfConstants, monitorEventLoopDelay } from 'node:perf_hooks';
import { createRouter } from '../src/services/router/router.ts';
import { createGatewayRoutes, serveGateway } from '../src/services/router/gateway/server.ts';
import { rawClient, rawFakeOpenAI } from './router-wire.ts';
import { forwardingProxy, realParts, standInParts } from './router-parts.ts';
import { stealMeter } from './host-steal.ts';

interface LoadJob {
  role: 'load';
  origin: string;
  gateway: string;
  clients: number[];
  rates: number[];
  maxRequests: number;
  maxMs: number;
  drainMs: number;
}

interface Run {
  /** 'clients' = closed loop with `load` clients; 'rate' = open loop at `load` req/s. */
  mode: 'clients' | 'rate';
  load: number;
  path: 'direct' | 'via router';
  /** Sorted latencies in ms; a request lost past the drain time is Infinity. */
  lat: number[];
  rps: number;
  errors: number;
  lost: number;
  /** The load generator's own stalls during the run. */
  stalls?: ThreadStats;
}

type Send = () => Promise<boolean>;

/** One thread's stalls during a run: event-loop delay and GC pauses (ms). */
interface ThreadStats {
  lagP99: number;
  lagMax: number;
  gcs: number;
  gcMax: number;
  majors: number;
  /** Share of one core this thread used (CPU time / wall time). */
  cpu: number;
}

/**
 * Watches this thread's event loop (timer lateness, 1 ms resolution) and GC
 * pauses (PerformanceObserver 'gc', which --trace-gc would also show but
 * workers refuse that flag), so each run says which thread stalled.
 */
function threadWatch(): { reset(): void; read(): ThreadStats } {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gcs = 0;
  let gcMax = 0;
  let majors = 0;
  let cpu = process.threadCpuUsage();
  let since = performance.now();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcs++;
      gcMax = Math.max(gcMax, e.duration);
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majors++;
    }
  }).observe({ entryTypes: ['gc'] });
  return {
    reset() {
      loop.reset();
      gcs = gcMax = majors = 0;
      cpu = process.threadCpuUsage();
      since = performance.now();
    },
    read() {
      const used = process.threadCpuUsage(cpu);
      return { lagP99: loop.percentile(99) / 1e6, lagMax: loop.max / 1e6, gcs, gcMax, majors, cpu: (used.user + used.system) / 1000 / (performance.now() - since) };
    },
  };
}

function formatStats(name: string, t: ThreadStats): string {
  return `${name.padEnd(9)} CPU ${(t.cpu * 100).toFixed(0).padStart(3)}% of a core; loop delay p99 ${t.lagP99.toFixed(1)} ms, max ${t.lagMax.toFixed(1)} ms; ${t.gcs} GCs (${t.majors} mark-compact), longest ${t.gcMax.toFixed(1)} ms`;
}

if (isMainThread) await benchMain();
else if ((workerData as { role: string }).role === 'fake') await fakeWorker();
else await loadWorker(workerData as LoadJob);

async function fakeWorker(): Promise<void> {
  const fake = await rawFakeOpenAI();
  const watch = threadWatch();
  parentPort!.postMessage(fake.origin);
  parentPort!.on('message', async (m: 'reset' | 'stats' | 'stop' | LoadJob) => {
    // --threads 2: this thread is the load generator as well.
    if (typeof m === 'object') return loadWorker(m);
    if (m === 'reset') return watch.reset();
    if (m === 'stats') return parentPort!.postMessage(watch.read());
    await fake.close();
    process.exit(0);
  });
}

/** Closed loop: `clients` callers, each waiting for its reply before the next request. */
async function closedLoop(fn: Send, clients: number, path: Run['path'], job: LoadJob): Promise<Run> {
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
  return { mode: 'clients', load: clients, path, lat, rps: lat.length / ((performance.now() - start) / 1000), errors, lost: 0 };
}

/**
 * Open loop: request i is due at start + i/rate and sent then (or as soon as
 * the timer fires after it), whether or not earlier requests have answered;
 * its latency runs from the due time, not the actual send.
 */
function openLoop(fn: Send, rate: number, path: Run['path'], job: LoadJob): Promise<Run> {
  const total = Math.max(1, Math.min(job.maxRequests, Math.round((rate * job.maxMs) / 1000)));
  const interval = 1000 / rate;
  const lat: number[] = [];
  let sent = 0;
  let settled = 0;
  let errors = 0;
  let last = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    let drain: NodeJS.Timeout | undefined;
    let reported = false;
    const finish = (): void => {
      if (reported) return;
      reported = true;
      clearTimeout(drain);
      const lost = total - settled;
      for (let i = 0; i < lost; i++) lat.push(Infinity);
      lat.sort((a, b) => a - b);
      resolve({ mode: 'rate', load: rate, path, lat, rps: (lat.length - lost) / ((last - start) / 1000), errors, lost });
    };
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        sent++;
        void fn().then((ok) => {
          if (reported) return; // answered after the drain time: already counted as lost
          last = performance.now();
          if (ok) lat.push(last - due);
          else errors++;
          if (++settled === total) finish();
        });
      }
      // Timers fire no sooner than 1 ms: each tick sends every request that
      // fell due since the last one (2 per tick at 2,000 req/s).
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
      else drain = setTimeout(finish, job.drainMs);
    };
    tick();
  });
}

async function loadWorker(job: LoadJob): Promise<void> {
  const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hello bench' }], max_tokens: 16 });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer tok' };
  // A gateway address is http://host:port or a Unix socket path (an agent's gateway socket).
  const clients = [rawClient(job.origin, '/v1/chat/completions', headers, body), rawClient(job.gateway, '/v1/chat/completions', headers, body)];
  const [direct, routed] = clients.map((c): Send => c.send);
  const watch = threadWatch();
  // Warm up both paths (JIT, keep-alive sockets).
  await closedLoop(direct, 16, 'direct', job);
  await closedLoop(routed, 16, 'via router', job);
  const runs: [Run['mode'], number][] = [...job.clients.map((c): [Run['mode'], number] => ['clients', c]), ...job.rates.map((r): [Run['mode'], number] => ['rate', r])];
  for (const [mode, n] of runs) {
    const measure = (fn: Send, path: Run['path']): Promise<Run> => (mode === 'clients' ? closedLoop(fn, n, path, job) : openLoop(fn, n, path, job));
    for (const [fn, path] of [[direct, 'direct'], [routed, 'via router']] as const) {
      parentPort!.postMessage(path === 'direct' ? 'reset' : 'start');
      watch.reset();
      const run = await measure(fn, path);
      parentPort!.postMessage({ ...run, stalls: watch.read() });
    }
  }
  for (const c of clients) c.close();
  parentPort!.postMessage('done');
}

function numbers(flag: string, text: string): number[] {
  const list = text === '' ? [] : text.split(',').map(Number);
  if (list.some((n) => !Number.isFinite(n) || n <= 0)) throw new Error(`--${flag} expects positive numbers separated by commas, got '${text}'`);
  return list;
}

async function benchMain(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '20000' },
      seconds: { type: 'string', default: '5' },
      clients: { type: 'string', default: '1,16,64' },
      rate: { type: 'string', default: '2000' },
      drain: { type: 'string', default: '5' },
      listen: { type: 'string', default: 'unix' },
      threads: { type: 'string', default: '3' },
      parts: { type: 'string', default: 'real' },
      via: { type: 'string', default: 'router' },
      repeat: { type: 'string', default: '1' },
    },
  });
  if (values.listen !== 'unix' && values.listen !== 'tcp') throw new Error(`--listen expects unix or tcp, got '${values.listen}'`);
  if (values.threads !== '2' && values.threads !== '3') throw new Error(`--threads expects 2 or 3, got '${values.threads}'`);
  if (values.parts !== 'real' && values.parts !== 'stand-in') throw new Error(`--parts expects real or stand-in, got '${values.parts}'`);
  if (values.via !== 'router' && values.via !== 'proxy') throw new Error(`--via expects router or proxy, got '${values.via}'`);
  const shared = values.threads === '2';
  const [maxRequests] = numbers('requests', values.requests);
  const [seconds] = numbers('seconds', values.seconds);
  const [drain] = numbers('drain', values.drain);
  const maxMs = seconds * 1000;
  const [repeat] = numbers('repeat', values.repeat);
  if (!Number.isInteger(repeat)) throw new Error(`--repeat expects a whole number, got '${values.repeat}'`);
  // Each run, repeat times in a row (direct then via router each time).
  const runsOf = (list: number[]): number[] => list.flatMap((n) => Array.from({ length: repeat }, () => n));
  const clients = runsOf(numbers('clients', values.clients));
  const rates = runsOf(numbers('rate', values.rate));
  // Profiling and V8 GC flags are the process's (workers refuse them in execArgv, and GC flags apply to every thread anyway).
  const execArgv = process.execArgv.filter((a) => !/^--(?:cpu-prof|trace-gc|single-threaded-gc|max-semi-space-size)/.test(a));
  const fake = new Worker(new URL(import.meta.url), { execArgv, workerData: { role: 'fake' } });
  const origin = await new Promise<string>((resolve) => fake.once('message', resolve));

  // The measured thread: the router and its gateway (and in production the
  // ledger's and vault's work for each call), nothing else. The state goes
  // under /var/tmp, on disk as a system's state root is (a tmpfs would make
  // the ledger's fdatasync free).
  const dir = mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'octant-bench-router-'));
  const parts = values.parts === 'real' ? await realParts(dir, origin) : standInParts();
  const router = createRouter({
    config: { deployments: [{ id: 'fake', provider: 'openai', model: 'gpt-fake', baseUrl: `${origin}/v1`, credential: parts.credential, price: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: { tools: true, vision: true, json: true }, tier: 2 }], routes: [] },
    injector: parts.injector,
    ledger: parts.ledger,
  });
  // Agents reach the gateway on a Unix socket (the default here); --listen tcp is the operator's `router serve`.
  const handler = createGatewayRoutes({ router, authenticate: async (t) => (t === 'tok' ? parts.caller : undefined) });
  const socket = join(dir, 'gateway.sock');
  const gw = values.via === 'proxy' ? await forwardingProxy(socket, origin) : await serveGateway(handler, values.listen === 'unix' ? { path: socket } : { port: 0 });
  const measured = values.via === 'proxy' ? 'a forwarding proxy with no logic (the floor)' : `the router with ${parts.describe}`;

  const job: LoadJob = { role: 'load', origin, gateway: gw.address, clients, rates, maxRequests, maxMs, drainMs: drain * 1000 };
  const load = shared ? fake : new Worker(new URL(import.meta.url), { execArgv, workerData: job });
  if (shared) fake.postMessage(job);
  const pct = (s: number[], p: number): number => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  const f = (n: number): string => n.toFixed(3).padStart(8);
  const label = (m: Run): string => (m.mode === 'clients' ? `${m.load} clients` : `${m.load}/s`).padStart(12);
  console.log(`router overhead, at most ${maxRequests} requests and ${seconds} s per run, node ${process.version}, ${availableParallelism()} cores; load generator and fake provider in worker threads; gateway on ${values.listen === 'unix' ? 'a Unix socket' : 'TCP 127.0.0.1'}`);
  console.log(`via router = ${measured}`);
  console.log('closed loop: N clients, each waits for its reply; open loop: R req/s on a schedule, latency from the scheduled send');
  console.log('        load  path             p50 ms   p95 ms   p99 ms    req/s  errors  lost');
  let direct: Run | undefined;
  // The router thread's own CPU time per routed request: what bounds its
  // throughput on one core, whatever else the machine is running.
  let cpu = process.threadCpuUsage();
  const cpuLines: string[] = [];
  /** Per load: [added p50, p95, p99, router CPU us/request] of each run. */
  const addedByLoad = new Map<string, number[][]>();
  const watch = threadWatch();
  let steal = stealMeter();
  const fakeStats = (): Promise<ThreadStats> =>
    new Promise((resolve) => {
      fake.once('message', resolve);
      fake.postMessage('stats');
    });
  await new Promise<void>((resolve, reject) => {
    load.on('error', reject);
    // One message at a time: a run's report awaits the fake's stats, and the
    // next message (the next run, or 'done') must wait for it.
    let queue = Promise.resolve();
    // The marks of a run's start are taken at once (a report queued before
    // them has already asked the fake for its stats: messages stay in order).
    load.on('message', (m: Run | 'done' | 'start' | 'reset') => {
      if (m === 'start' || m === 'reset') {
        watch.reset();
        steal = stealMeter();
        fake.postMessage('reset');
        if (m === 'start') cpu = process.threadCpuUsage();
        return;
      }
      queue = queue.then(() => report(m)).catch(reject);
    });
    const report = async (m: Run | 'done'): Promise<void> => {
      if (m === 'done') return resolve();
      const used = process.threadCpuUsage(cpu);
      const router = watch.read();
      console.log(`${label(m)}  ${m.path.padEnd(12)} ${f(pct(m.lat, 50))} ${f(pct(m.lat, 95))} ${f(pct(m.lat, 99))} ${m.rps.toFixed(0).padStart(8)} ${String(m.errors).padStart(7)} ${String(m.lost).padStart(5)}`);
      const stalls = shared ? [formatStats('load+fake', m.stalls!)] : [formatStats('load', m.stalls!), formatStats('fake', await fakeStats())];
      if (m.path === 'via router') stalls.unshift(formatStats('router', router));
      stalls.push(`host took ${(steal.share() * 100).toFixed(0)}% of the vCPUs' time (steal)`);
      for (const line of stalls) console.log(`${''.padStart(12)}    ${line}`);
      if (m.path === 'direct') direct = m;
      else if (direct !== undefined) {
        const n = m.lat.length + m.errors;
        const perRequest = (used.user + used.system) / n;
        cpuLines.push(`${label(m)}  router thread CPU ${perRequest.toFixed(0)} us/request (user ${(used.user / n).toFixed(0)}, system ${(used.system / n).toFixed(0)}): one core serves at most ${(1e6 / perRequest).toFixed(0)} req/s`);
        const base = direct;
        const added = [50, 95, 99].map((p) => pct(m.lat, p) - pct(base.lat, p));
        console.log(`${label(m)}  ${'added'.padEnd(12)} ${added.map(f).join(' ')}   router/direct throughput ${(m.rps / direct.rps).toFixed(2)}`);
        const seen = addedByLoad.get(label(m)) ?? [];
        addedByLoad.set(label(m), [...seen, [...added, perRequest]]);
      }
    };
  });
  for (const line of cpuLines) console.log(line);
  // With --repeat: the median of each figure over the runs of each load.
  if (repeat > 1) {
    console.log(`median over ${repeat} runs: added p50, p95, p99 ms; router thread CPU us/request`);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    for (const [load, rows] of addedByLoad) {
      const [p50, p95, p99, cpuUs] = [0, 1, 2, 3].map((i) => median(rows.map((r) => r[i]!)));
      console.log(`${load}  added ${f(p50!)} ${f(p95!)} ${f(p99!)}   router ${cpuUs!.toFixed(0)} us/request   (${rows.length} runs)`);
    }
  }
  await gw.close();
  router.close();
  await parts.close();
  fake.postMessage('stop');
  if (!shared) await load.terminate();
  rmSync(dir, { recursive: true, force: true });
}

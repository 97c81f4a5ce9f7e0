// Heavy work off the loop: the router's latency while a CPU-heavy background
// job runs, against the same load with no job, in the same run.
// Four phases, each the same open-loop load:
//   none    no background job (the baseline);
//   search  the search service's real index build (services/search/local:
//           listing on this thread, reading, analysing and writing SQLite FTS5
//           in its 'search-index' worker pool) of a folder of 5,000 short
//           files, removed and built again for as long as the phase runs;
//   pool    a stand-in indexing job (tokenising and hashing a large corpus,
//           in 1 MiB chunks) through lib/worker-pool.ts, one worker thread;
//   main    the stand-in on the router's own thread, a chunk per event-loop
//           turn (the contrast: what docs/architecture.md "Heavy work"
//           forbids, and it regresses).
// The router runs on the main thread with the production parts (ledger on
// disk, real vault, bench/router-parts.ts); the fake provider and the load
// generator share one worker thread (bench/router-wire.ts). Requests are
// sent on a schedule (--rate req/s for --seconds), each latency measured
// from its scheduled time, so a stall shows in the percentiles.
// Prints p50/p99 per phase and each phase's ratio to the baseline.
//   node bench/heavy-work.ts [--rate 100] [--seconds 3] [--repeat 1] [--phases none,search,pool,main]

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createWorkerPool } from '../src/lib/worker-pool.ts';
import { createGatewayRoutes, serveGateway } from '../src/services/router/gateway/server.ts';
import { createRouter } from '../src/services/router/router.ts';
import { openLocalSearch } from '../src/services/search/local/index.ts';
import { indexChunk } from './index-job.ts';
import { realParts } from './router-parts.ts';
import { rawClient, rawFakeOpenAI } from './router-wire.ts';

interface LoadJob {
  gateway: string;
  rate: number;
  ms: number;
}

if (isMainThread) await main();
else await loadThread();

/** The fake provider and the open-loop load generator, in one worker thread. */
async function loadThread(): Promise<void> {
  const fake = await rawFakeOpenAI();
  parentPort!.postMessage(fake.origin);
  parentPort!.on('message', async (job: LoadJob | 'stop') => {
    if (job === 'stop') {
      await fake.close();
      process.exit(0);
    }
    const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hello bench' }], max_tokens: 16 });
    const client = rawClient(job.gateway, '/v1/chat/completions', { 'content-type': 'application/json', authorization: 'Bearer tok' }, body);
    parentPort!.postMessage(await openLoop(client.send, job));
    client.close();
  });
}

/** Request i is due at start + i/rate and sent then; its latency runs from the due time. */
function openLoop(send: () => Promise<boolean>, job: LoadJob): Promise<{ lat: number[]; errors: number }> {
  const total = Math.round((job.rate * job.ms) / 1000);
  const interval = 1000 / job.rate;
  const lat: number[] = [];
  let sent = 0;
  let settled = 0;
  let errors = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        sent++;
        void send().then((ok) => {
          if (ok) lat.push(performance.now() - due);
          else errors++;
          if (++settled === total) resolve({ lat: lat.sort((a, b) => a - b), errors });
        });
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
}

/** The corpus: ~8 MiB of prose with identifiers and numbers, cut into 1 MiB chunks. */
function corpus(): string[] {
  const words = ['index', 'Quarterly', 'router', 'ledger_entry', 'vault', 'agent-42', 'the', 'of', 'HTTP/1.1', 'sandbox', 'Merkle', 'token', '2026-12-03', 'policy'];
  const chunks: string[] = [];
  let seed = 7;
  for (let c = 0; c < 8; c++) {
    const parts: string[] = [];
    for (let n = 0; n < 1 << 20; ) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const w = words[seed % words.length]!;
      parts.push(w);
      n += w.length + 1;
    }
    chunks.push(parts.join(seed % 3 === 0 ? '\n' : ' '));
  }
  return chunks;
}

/** `count` short text files (a sentence or two each, like notes or man page summaries) under `dir`. */
function shortFiles(dir: string, count: number): string {
  const words = ['boundary', 'layer', 'turbine', 'ledger', 'sandbox', 'policy', 'pressure', 'wing', 'flow', 'agent', 'index', 'query', 'vault', 'token', 'shock', 'heat'];
  let seed = 11;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let d = 0; d < count / 500; d++) mkdirSync(join(dir, `d${d}`), { recursive: true });
  for (let i = 0; i < count; i++) {
    const text = Array.from({ length: 24 + (next() % 40) }, () => words[next() % words.length]).join(' ');
    writeFileSync(join(dir, `d${Math.floor(i / 500)}`, `note-${i}.txt`), `Note ${i}\n${text}.\n`);
  }
  return dir;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rate: { type: 'string', default: '100' }, seconds: { type: 'string', default: '3' }, repeat: { type: 'string', default: '1' }, phases: { type: 'string', default: 'none,search,pool,main' } } });
  const phases = values.phases.split(',');
  if (!phases.includes('none') || phases.some((p) => !['none', 'search', 'pool', 'main'].includes(p))) throw new Error('--phases: a list of none (required: the baseline), search, pool, main');
  const rate = Number(values.rate);
  const ms = Number(values.seconds) * 1000;
  const repeat = Number(values.repeat);
  if (!(rate > 0) || !(ms > 0) || !Number.isInteger(repeat) || repeat < 1) throw new Error('--rate and --seconds expect positive numbers, --repeat a whole number');

  const load = new Worker(new URL(import.meta.url));
  const origin = await new Promise<string>((resolve) => load.once('message', resolve));
  const dir = mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'octant-bench-heavy-'));
  const parts = await realParts(dir, origin);
  const router = createRouter({
    config: { deployments: [{ id: 'fake', provider: 'openai', model: 'gpt-fake', baseUrl: `${origin}/v1`, credential: parts.credential, price: { input: 1, output: 2 }, contextWindow: 128_000, capabilities: { tools: true, vision: true, json: true }, tier: 2 }], routes: [] },
    injector: parts.injector,
    ledger: parts.ledger,
  });
  const gw = await serveGateway(createGatewayRoutes({ router, authenticate: async (t) => (t === 'tok' ? parts.caller : undefined) }), { path: join(dir, 'gateway.sock') });
  const pool = createWorkerPool({ name: 'index', source: { url: new URL('./index-job-worker.ts', import.meta.url) }, threads: 1, queueLimit: 2 });
  const chunks = corpus();
  const files = shortFiles(join(dir, 'corpus'), 5000);
  const local = openLocalSearch({ dir: join(dir, 'indexes') });

  const measure = (): Promise<{ lat: number[]; errors: number }> =>
    new Promise((resolve) => {
      load.once('message', resolve);
      load.postMessage({ gateway: gw.address, rate, ms } satisfies LoadJob);
    });

  /** Run the indexing job until stop(); returns the chunks (or, for search, the documents) it indexed. */
  function background(where: 'search' | 'pool' | 'main'): { stop(): Promise<number> } {
    let running = true;
    let indexed = 0;
    const done = where === 'search' ? (async () => {
      // The real build, from scratch each round, until the phase ends (the round in progress is stopped).
      const stop = new AbortController();
      const ended = new Promise<void>((resolve) => { stopSearch = () => { running = false; stop.abort(); resolve(); }; });
      for (let round = 0; running; round++) {
        local.register({ name: `bench-${round}`, kind: 'files', paths: [files] });
        let added = 0;
        const build = local.build(`bench-${round}`, { signal: stop.signal, onProgress: (p) => { added = p.added; } }).catch(() => undefined);
        await Promise.race([build, ended]);
        await build; // a stopped build ends at its next batch
        indexed += added;
        await local.delete(`bench-${round}`);
      }
    })() : (async () => {
      for (let i = 0; running; i = (i + 1) % chunks.length) {
        if (where === 'pool') await pool.run('index', chunks[i]);
        else {
          indexChunk(chunks[i]!); // on this thread: the router waits meanwhile
          await new Promise((r) => setImmediate(r));
        }
        indexed++;
      }
    })();
    return {
      async stop() {
        running = false;
        stopSearch();
        await done;
        return indexed;
      },
    };
  }
  let stopSearch = (): void => {};

  const pct = (s: number[], p: number): number => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  const f = (n: number): string => n.toFixed(2).padStart(8);
  console.log(`router latency with a background indexing job: ${rate} req/s for ${ms / 1000} s per phase, node ${process.version}, ${availableParallelism()} cores, load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
  console.log('the router (ledger on disk, vault injection) on the main thread; fake provider and load generator in one worker');
  console.log('phase   p50 ms   p99 ms  errors  indexed (search: documents; pool, main: 1 MiB chunks)');
  await measure(); // warm-up (JIT, keep-alive sockets)
  const rows: Record<string, number[][]> = { none: [], search: [], pool: [], main: [] };
  for (let r = 0; r < repeat; r++) {
    for (const phase of phases as ('none' | 'search' | 'pool' | 'main')[]) {
      const job = phase === 'none' ? undefined : background(phase);
      const { lat, errors } = await measure();
      const indexed = (await job?.stop()) ?? 0;
      rows[phase]!.push([pct(lat, 50), pct(lat, 99)]);
      console.log(`${phase.padEnd(6)} ${f(pct(lat, 50))} ${f(pct(lat, 99))} ${String(errors).padStart(7)}  ${indexed}`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const fig = (phase: string, i: number): number => median(rows[phase]!.map((row) => row[i]!));
  for (const phase of phases.filter((p) => p !== 'none')) {
    console.log(`${phase} / none: p50 x${(fig(phase, 0) / fig('none', 0)).toFixed(2)}, p99 x${(fig(phase, 1) / fig('none', 1)).toFixed(2)}${repeat > 1 ? ` (medians of ${repeat} runs)` : ''}`);
  }
  await gw.close();
  router.close();
  await pool.close();
  await local.close();
  await parts.close();
  load.postMessage('stop');
  rmSync(dir, { recursive: true, force: true });
}

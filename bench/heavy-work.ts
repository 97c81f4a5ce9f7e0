// Heavy work off the loop: the router's latency while a CPU-heavy background
// job runs, against the same load with no job, in the same run.
// The job is a stand-in for the coming search indexer: tokenising and
// hashing a large corpus (words, lower-cased, an FNV-1a hash and a count per
// term), in 1 MiB chunks. Three phases, each the same open-loop load:
//   none  no background job (the baseline);
//   pool  the job through lib/worker-pool.ts (one worker thread), as the rule
//         in docs/architecture.md "Heavy work" says it must run;
//   search the real search indexer: a local search corpus (services/search/
//         local) filled through its 'search-index' worker pool (nice 10),
//         1,000 short documents a batch, new ids each batch, so every batch
//         is analyzed and written to SQLite (the issue: the router's latency
//         while an index build is in progress);
//   main  the same job on the router's own thread, a chunk per event-loop
//         turn (the contrast: this is what the rule forbids, and it regresses).
// The router runs on the main thread with the production parts (ledger on
// disk, real vault, bench/router-parts.ts); the fake provider and the load
// generator share one worker thread (bench/router-wire.ts). Requests are
// sent on a schedule (--rate req/s for --seconds), each latency measured
// from its scheduled time, so a stall shows in the percentiles.
// Prints p50/p99 per phase and each phase's ratio to the baseline; the
// indexed column counts 1 MiB chunks (pool, main) or documents (search).
//   node bench/heavy-work.ts [--rate 100] [--seconds 3] [--repeat 1]

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rate: { type: 'string', default: '100' }, seconds: { type: 'string', default: '3' }, repeat: { type: 'string', default: '1' } } });
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
  const search = openLocalSearch({ dir: join(dir, 'search') });
  search.register({ name: 'bench', kind: 'documents' });
  const words = indexChunk.toString().split(/\W+/).filter((w) => w.length > 2);
  let nextDoc = 0;
  // Made before the phases, so that only the indexer's own work (sending a
  // batch, the worker's analysis and writes) is measured, not the bench's.
  const batches = Array.from({ length: 60 }, () => Array.from({ length: 1000 }, () => {
    const n = nextDoc++;
    const pick = (k: number): string => Array.from({ length: k }, (_, j) => words[(n * 7 + j * 13) % words.length]).join(' ');
    return { id: `doc-${n}`, title: pick(6), body: `${pick(30)} ${n}` };
  }));
  let nextBatch = 0;
  // After a round through them, the same texts under new ids: still new documents.
  const batch = (): { id: string; title: string; body: string }[] => {
    const round = Math.floor(nextBatch / batches.length);
    const docs = batches[nextBatch++ % batches.length]!;
    return round === 0 ? docs : docs.map((d) => ({ ...d, id: `${d.id}-${round}` }));
  };

  const measure = (): Promise<{ lat: number[]; errors: number }> =>
    new Promise((resolve) => {
      load.once('message', resolve);
      load.postMessage({ gateway: gw.address, rate, ms } satisfies LoadJob);
    });

  /** Run the indexing job until stop(); returns the chunks it indexed. */
  function background(where: 'pool' | 'search' | 'main'): { stop(): Promise<number> } {
    let running = true;
    let indexed = 0;
    const done = (async () => {
      for (let i = 0; running; i = (i + 1) % chunks.length) {
        if (where === 'pool') await pool.run('index', chunks[i]);
        else if (where === 'search') {
          // Counted in documents; the ++ below counts this batch's first.
          indexed += (await search.put('bench', batch())).added - 1;
        } else {
          indexChunk(chunks[i]!); // on this thread: the router waits meanwhile
          await new Promise((r) => setImmediate(r));
        }
        indexed++;
      }
    })();
    return {
      async stop() {
        running = false;
        await done;
        return indexed;
      },
    };
  }

  const pct = (s: number[], p: number): number => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  const f = (n: number): string => n.toFixed(2).padStart(8);
  console.log(`router latency with a background indexing job: ${rate} req/s for ${ms / 1000} s per phase, node ${process.version}, ${availableParallelism()} cores, load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
  console.log('the router (ledger on disk, vault injection) on the main thread; fake provider and load generator in one worker');
  console.log('phase   p50 ms   p99 ms  errors  indexed (1 MiB chunks; search: documents)');
  await measure(); // warm-up (JIT, keep-alive sockets)
  const rows: Record<string, number[][]> = { none: [], pool: [], search: [], main: [] };
  for (let r = 0; r < repeat; r++) {
    for (const phase of ['none', 'pool', 'search', 'main'] as const) {
      const job = phase === 'none' ? undefined : background(phase);
      const { lat, errors } = await measure();
      const indexed = (await job?.stop()) ?? 0;
      rows[phase]!.push([pct(lat, 50), pct(lat, 99)]);
      console.log(`${phase.padEnd(6)} ${f(pct(lat, 50))} ${f(pct(lat, 99))} ${String(errors).padStart(7)}  ${indexed}`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const fig = (phase: string, i: number): number => median(rows[phase]!.map((row) => row[i]!));
  for (const phase of ['pool', 'search', 'main']) {
    console.log(`${phase} / none: p50 x${(fig(phase, 0) / fig('none', 0)).toFixed(2)}, p99 x${(fig(phase, 1) / fig('none', 1)).toFixed(2)}${repeat > 1 ? ` (medians of ${repeat} runs)` : ''}`);
  }
  await gw.close();
  router.close();
  await pool.close();
  await search.close();
  await parts.close();
  load.postMessage('stop');
  rmSync(dir, { recursive: true, force: true });
}

// Soak bench: several hundred agents through their whole lifecycle (validate,
// isolate, run, exit, terminate, archive) on one daemon (dist/octant boot),
// a few at a time, reporting the daemon's RSS and open descriptors at start
// (after the first agents warmed the runtime up), half-way and at the end.
// Growth between half-way and the end, per agent, is the figure to watch:
// a leak grows linearly; warm-up (JIT, caches, allocator arenas) does not.
// Needs root and bwrap.
//
//   node scripts/build.ts && node bench/soak.ts [--agents N] [--concurrency N]

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const exe = join(repo, 'dist', 'octant');
const { values } = parseArgs({ options: { agents: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '4' } } });
const total = Number(values.agents);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(total) || total < 20) throw new Error('--agents: expected an integer of at least 20');
if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency: expected a positive integer');
if (!existsSync(exe)) throw new Error(`${exe} does not exist: run 'node scripts/build.ts' first`);
if (process.getuid?.() !== 0) throw new Error('needs root (agents need cgroups)');

const root = mkdtempSync(join(tmpdir(), 'octant-soak-'));
const socket = join(root, 'run', 'admin.sock');
const octant = (...args: string[]) => spawnSync(exe, ['--root', root, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });

function admin(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'POST', path, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

interface Sample { rssMiB: number; heapMiB: number; externalMiB: number; fds: number }

/** RSS and descriptors from /proc; the JS heap and external memory from the daemon's own status. */
async function sample(pid: number): Promise<Sample> {
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  const status = JSON.parse(octant('status', '--json').stdout) as { resources: { heapUsed: number; external: number } };
  const mib = (n: number) => n / 1048576;
  return { rssMiB: Number(rss) / 1024, heapMiB: mib(status.resources.heapUsed), externalMiB: mib(status.resources.external), fds: readdirSync(`/proc/${pid}/fd`).length };
}

if (octant('keys', 'generate', '--name', 'ops').status !== 0) throw new Error('keys generate failed');
const manifests: string[] = [];
for (let i = 0; i < concurrency; i++) {
  writeFileSync(join(root, `s${i}.yaml`), `version: 1
identity: { name: soak-${i}, operator: ops@example.com }
processes: { exec: [/usr/bin/true] }
governance: { critical: [] }
resources: { cpu: 0.25, memory: 64MiB, ioBandwidth: 10MiB/s, pids: 16, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
`);
  const out = join(root, `s${i}.json`);
  if (octant('manifest', 'sign', join(root, `s${i}.yaml`), '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', out).status !== 0) throw new Error('sign failed');
  manifests.push(readFileSync(out, 'utf8'));
}

const daemon = spawn(exe, ['--root', root, 'boot'], { stdio: 'ignore' });
for (let i = 0; i < 300 && octant('status').status !== 0; i++) await new Promise((r) => setTimeout(r, 50));

let done = 0;
let failed = 0;
async function lane(i: number, count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const started = await admin('/v1/agents/start', { manifest: manifests[i], origin: 'soak', command: ['/usr/bin/true'] });
    if (started.status >= 300) { failed += 1; continue; }
    const ended = await admin('/v1/agents/wait', { aid: started.body.aid });
    if (ended.body.state !== 'archived') failed += 1;
    done += 1;
  }
}

const warm = Math.max(concurrency, 10);
const half = Math.floor(total / 2);
const t0 = performance.now();
const run = async (count: number) => Promise.all(Array.from({ length: concurrency }, (_, i) => lane(i, Math.ceil(count / concurrency))));
await run(warm);
const start = { ...await sample(daemon.pid!), agents: done };
await run(half - warm);
const middle = { ...await sample(daemon.pid!), agents: done };
await run(total - half);
const end = { ...await sample(daemon.pid!), agents: done };
const seconds = (performance.now() - t0) / 1000;
daemon.kill('SIGTERM');
await new Promise((r) => daemon.once('exit', r));

const row = (name: string, s: Sample & { agents: number }) => console.log(`${name.padEnd(10)} after ${String(s.agents).padStart(4)} agents: RSS ${s.rssMiB.toFixed(1)} MiB, JS heap ${s.heapMiB.toFixed(1)} MiB, external ${s.externalMiB.toFixed(1)} MiB, ${s.fds} open descriptors`);
console.log(`${done} agents through their lifecycle in ${seconds.toFixed(1)} s (${(done / seconds).toFixed(1)}/s, ${concurrency} at a time), ${failed} failed`);
row('start', start);
row('half-way', middle);
row('end', end);
const perAgent = (end.rssMiB - middle.rssMiB) * 1024 / (end.agents - middle.agents);
const heapPerAgent = (end.heapMiB - middle.heapMiB) * 1024 / (end.agents - middle.agents);
console.log(`RSS growth, half-way to end: ${(end.rssMiB - middle.rssMiB).toFixed(1)} MiB (${perAgent.toFixed(1)} KiB per agent); JS heap ${(end.heapMiB - middle.heapMiB).toFixed(1)} MiB (${heapPerAgent.toFixed(1)} KiB per agent); descriptors ${middle.fds} -> ${end.fds}`);
rmSync(root, { recursive: true, force: true });

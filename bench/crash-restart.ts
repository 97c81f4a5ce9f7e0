// Crash-and-restart bench (issue: "the daemon never dies and never forgets").
// Each round: boot dist/octant, start agents, stream ledger appends through
// the admin socket from several clients, SIGKILL the daemon at a random
// moment, boot again, and check:
//   - every acknowledged append is in the ledger (same seq, same content);
//   - `octant ledger verify` exits 0, and no octant process aborted;
//   - every agent the dead run left live is archived, with no cgroup left.
// Bounded: --rounds N (default 20), each round at most a few seconds.
// Needs root (agents need cgroups) and bwrap.
//
//   node scripts/build.ts && node bench/crash-restart.ts [--rounds N] [--agents N] [--clients N]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const exe = join(repo, 'dist', 'octant');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, agents: { type: 'string', default: '3' }, clients: { type: 'string', default: '8' } } });
const rounds = Number(values.rounds);
const agentsPerRound = Number(values.agents);
const clients = Number(values.clients);
for (const [name, n] of Object.entries({ rounds, agents: agentsPerRound, clients })) {
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a non-negative integer`);
}
if (!existsSync(exe)) throw new Error(`${exe} does not exist: run 'node scripts/build.ts' first`);
if (process.getuid?.() !== 0) throw new Error('needs root (agents need cgroups)');

const root = mkdtempSync(join(tmpdir(), 'octant-crash-bench-'));
const socket = join(root, 'run', 'admin.sock');

function octant(...args: string[]): { code: number | null; signal: string | null; out: string } {
  const r = spawnSync(exe, ['--root', root, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 30 });
  return { code: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}` };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Boots; a boot that dies by a signal (an abort) is counted and tried again, up to 3 times. */
async function boot(): Promise<{ child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null }> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bootOnce();
    } catch (error) {
      const signal = (error as { signal?: string | null }).signal;
      if (signal === null || signal === undefined || attempt === 3) throw error;
      aborts += 1;
      console.log(`boot died by ${signal}; counted as an abort, booting again`);
    }
  }
}

async function bootOnce(): Promise<{ child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null }> }> {
  const child = spawn(exe, ['--root', root, 'boot'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c) => { stderr += c; });
  const exit = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  for (let i = 0; i < 600 && child.exitCode === null && child.signalCode === null; i++) {
    if (octant('status').code === 0) return { child, exit };
    await sleep(50);
  }
  child.kill('SIGKILL');
  const ended = await exit;
  throw Object.assign(new Error(`the system did not come up (${JSON.stringify(ended)}): ${stderr.slice(-2000)}`), { signal: ended.signal === 'SIGKILL' ? null : ended.signal });
}

function append(n: string): Promise<number | undefined> {
  const body = JSON.stringify({ agent: 'bench-crash', lineage: [], kind: 'bench', action: 'append', target: n, decision: 'ok', detail: { n } });
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, method: 'POST', path: '/v1/ledger/append', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        try {
          resolve(res.statusCode === 201 ? (JSON.parse(text) as { seq: number }).seq : undefined);
        } catch {
          resolve(undefined); // cut mid-reply by the kill: not acknowledged
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/** Every cgroup directory of `aid`, in any hierarchy. */
function cgroupsOf(aid: string): number {
  let n = 0;
  for (const h of readdirSync('/sys/fs/cgroup')) if (existsSync(join('/sys/fs/cgroup', h, 'octant', aid))) n += 1;
  return n + (existsSync(join('/sys/fs/cgroup', 'octant', aid)) ? 1 : 0);
}

// Setup: an operator key and one manifest per concurrent agent.
if (octant('keys', 'generate', '--name', 'ops').code !== 0) throw new Error('keys generate failed');
for (let i = 0; i < agentsPerRound; i++) {
  writeFileSync(join(root, `a${i}.yaml`), `version: 1
identity: { name: sleeper-${i}, operator: ops@example.com }
processes: { exec: [/usr/bin/sleep] }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
governance: { critical: [] }
resources: { cpu: 0.25, memory: 64MiB, ioBandwidth: 10MiB/s, pids: 32, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
`);
  const signed = octant('manifest', 'sign', join(root, `a${i}.yaml`), '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', join(root, `a${i}.json`));
  if (signed.code !== 0) throw new Error(signed.out);
}

const acknowledged = new Map<number, string>();
let sent = 0;
let aborts = 0;
let verifyFailures = 0;
let unreconciled = 0;
let leftCgroups = 0;
const started: string[] = [];
const t0 = performance.now();

for (let round = 0; round < rounds; round++) {
  const system = await boot();
  if (round > 0) {
    // The previous round's agents: reconciled by this boot.
    const listed = JSON.parse(octant('agent', 'list', '--json').out) as { aid: string; state: string }[];
    for (const r of listed) if (r.state !== 'archived' && r.state !== 'rejected' && started.includes(r.aid)) unreconciled += 1;
    for (const aid of started) leftCgroups += cgroupsOf(aid);
  }
  for (let i = 0; i < agentsPerRound; i++) {
    const r = octant('run', join(root, `a${i}.json`), '--detach', '--', '/usr/bin/sleep', '600');
    if (r.code === 0) started.push(r.out.trim().split('\n').at(-1)!);
  }
  // Appends flow from several clients until the kill.
  let killed = false;
  const flows = Array.from({ length: clients }, async (_, c) => {
    while (!killed) {
      const n = `${round}.${c}.${sent++}`;
      const seq = await append(n);
      if (seq !== undefined) acknowledged.set(seq, n);
      else if (killed) break;
    }
  });
  await sleep(200 + Math.random() * 1300);
  killed = true;
  system.child.kill('SIGKILL');
  const exit = await system.exit;
  if (exit.signal === 'SIGABRT') aborts += 1;
  await Promise.all(flows);
  // Verify the ledger offline (no system running), as after a real crash.
  const verify = octant('ledger', 'verify');
  if (verify.signal !== null) aborts += 1;
  if (verify.code !== 0) verifyFailures += 1;
}

// Last boot: reconcile the final round, then read every acknowledged entry back.
const last = await boot();
const listed = JSON.parse(octant('agent', 'list', '--json').out) as { aid: string; state: string }[];
for (const r of listed) if (r.state !== 'archived' && r.state !== 'rejected' && started.includes(r.aid)) unreconciled += 1;
for (const aid of started) leftCgroups += cgroupsOf(aid);
last.child.kill('SIGTERM');
await last.exit;
const shown = octant('ledger', 'show', '--agent', 'bench-crash', '--json');
const present = new Map<number, string>();
for (const line of shown.out.split('\n')) {
  if (!line.startsWith('{')) continue;
  const e = JSON.parse(line) as { seq: number; target: string };
  present.set(e.seq, e.target);
}
let lost = 0;
for (const [seq, n] of acknowledged) if (present.get(seq) !== n) lost += 1;
const final = octant('ledger', 'verify');
if (final.code !== 0) verifyFailures += 1;

const seconds = (performance.now() - t0) / 1000;
console.log(`rounds                      ${rounds} (${seconds.toFixed(1)} s)`);
console.log(`agents started              ${started.length}`);
console.log(`appends sent / acknowledged ${sent} / ${acknowledged.size}`);
console.log(`acknowledged entries lost   ${lost}`);
console.log(`verify failures             ${verifyFailures}`);
console.log(`aborts (died by a signal)   ${aborts}`);
console.log(`agents not reconciled       ${unreconciled}`);
console.log(`cgroups left                ${leftCgroups}`);
rmSync(root, { recursive: true, force: true });
process.exitCode = lost + verifyFailures + aborts + unreconciled + leftCgroups === 0 ? 0 : 1;

// Live-heap soak: the same lifecycle as bench/soak.ts, run by the system
// booted in this process from the sources, with a full GC before each sample,
// so what remains is what the daemon keeps per agent (not garbage).
//   node --expose-gc bench/soak-heap.ts [--agents N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSystem } from '../src/operator/system.ts';
import { admin } from '../src/runtime/admin/client.ts';
import { AGENTS_API } from '../src/agent/lifecycle/agents-api.ts';
import { rootLayout } from '../src/runtime/paths.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { agents: { type: 'string', default: '400' } } });
const total = Number(values.agents);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
if (process.getuid?.() !== 0) throw new Error('needs root (agents need cgroups)');

const root = mkdtempSync(join(tmpdir(), 'octant-soak-heap-'));
const paths = rootLayout(root);
const cli = (...args: string[]) => spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', join(repo, 'src', 'main.ts'), '--root', root, ...args], { encoding: 'utf8' });
if (cli('keys', 'generate', '--name', 'ops').status !== 0) throw new Error('keys generate failed');
writeFileSync(join(root, 's.yaml'), 'version: 1\nidentity: { name: soak, operator: ops@example.com }\nprocesses: { exec: [/usr/bin/true] }\ngovernance: { critical: [] }\nresources: { cpu: 0.25, memory: 64MiB, ioBandwidth: 10MiB/s, pids: 16, networkThroughput: 1MiB/s }\nlifetime: { ttl: 10m }\n');
if (cli('manifest', 'sign', join(root, 's.yaml'), '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', join(root, 's.json')).status !== 0) throw new Error('sign failed');
const manifest = readFileSync(join(root, 's.json'), 'utf8');

const system = await startSystem({ paths });
await system.ready;
async function run(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const started = await admin(paths, 'agents').call(AGENTS_API.start, { manifest, origin: 'soak', command: ['/usr/bin/true'] });
    await admin(paths, 'agents').call(AGENTS_API.wait, { aid: started.aid });
  }
}
const live = (): number => { gc(); gc(); return process.memoryUsage().heapUsed / 1024; };
await run(20);
const a = live();
await run(total / 2);
const b = live();
await run(total / 2);
const c = live();
console.log(`live JS heap after a full GC: ${(a / 1024).toFixed(1)} MiB (20 agents) -> ${(b / 1024).toFixed(1)} MiB (+${total / 2}) -> ${(c / 1024).toFixed(1)} MiB (+${total / 2})`);
console.log(`per agent: first half ${((b - a) / (total / 2)).toFixed(2)} KiB, second half ${((c - b) / (total / 2)).toFixed(2)} KiB`);
await system.stop('soak done');
rmSync(root, { recursive: true, force: true });

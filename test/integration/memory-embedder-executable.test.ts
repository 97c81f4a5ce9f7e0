// What leaves the machine, through the shipped executable: one system booted
// by dist/octant, two agents run by `octant run` in real sandboxes, and a
// fake OpenAI-compatible provider on 127.0.0.1 that records every request.
//   - keeper's signed manifest grants `memory.remoteEmbedder: emb`: its
//     memory text reaches the provider's /v1/embeddings (through the router,
//     ledgered as the agent's embed calls, after a memory.embedder entry);
//   - quiet, on the same daemon, grants nothing: no request of the provider
//     holds its text, and it still recalls through T3 (the built-in embedder).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootLayout } from '../../src/runtime/paths.ts';
import { saveConfig } from '../../src/services/router/api.ts';
import { startFakeOpenAI } from '../../src/services/router/testing/fake-openai.ts';
import type { FakeProvider } from '../../src/services/router/testing/fake-server.ts';
import { ledgerDir, readLedger, type LedgerEntry } from '../../src/services/ledger/api.ts';
import { bootSystem, signedManifest, stopSystem } from '../support/agent-memory.ts';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';
import { until } from '../support/until.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping what leaves the machine through dist/octant: ${skip}`);

const KEEPER_TEXT = 'Keeper noted that the herons nest by the old weir.';
const QUIET_TEXT = 'Quiet stores the walnut crate in the attic.';

let root: string;
let system: ChildProcess | undefined;
let fake: FakeProvider | undefined;

const octant = (...args: string[]) => spawnSync(OCTANT, ['--root', root, ...args], { encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: root } });

function ok(run: ReturnType<typeof octant>): string {
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const manifest = (name: string, memory: string): string => signedManifest(octant, root, name, `memory: ${memory}`);

interface Report { record: { aid: string }; entries: LedgerEntry[] }

/** Runs a scripted agent without blocking this process: the fake provider lives in it and must answer meanwhile. */
async function script(signed: string, steps: { tool: string; args: unknown }[]): Promise<Report> {
  const file = join(root, `script-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(steps));
  const child = spawn(OCTANT, ['--root', root, 'run', signed, '--script', file, '--json'], { env: { PATH: '/usr/bin:/bin', HOME: root }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, `${out}\n${err}`);
  return JSON.parse(out) as Report;
}

/** Every text the provider was asked to embed. */
const embedded = (): string[] => fake!.requests.filter((r) => r.url.endsWith('/embeddings')).flatMap((r) => r.body.input as string[]);
const ledger = (): LedgerEntry[] => readLedger(ledgerDir(rootLayout(root)), { keepEntries: true }).replay.entries;

before(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), 'octant-memory-egress-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'data'));
  fake = await startFakeOpenAI();
  await saveConfig(rootLayout(root), {
    deployments: [
      { id: 'local', provider: 'vllm', model: 'm-local', baseUrl: `${fake.origin}/v1`, price: { input: 1, output: 1 }, contextWindow: 32_000, capabilities: { tools: true, vision: false, json: true }, tier: 2 },
      { id: 'emb', provider: 'vllm', kind: 'embedding', model: 'e-up', baseUrl: `${fake.origin}/v1`, price: { input: 0.1, output: 0 }, contextWindow: 8_000, capabilities: { tools: false, vision: false, json: false }, tier: 1 },
    ],
    routes: [],
  });
  ok(octant('keys', 'generate', '--name', 'ops'));
  system = await bootSystem(OCTANT, root);
});

after(async () => {
  if (skip) return;
  await stopSystem(system);
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

test('a granted remote embedder receives that agent\'s memory text; an agent without the grant on the same daemon sends nothing and recalls through the built-in embedder', { skip, timeout: 240_000 }, async () => {
  const keeper = await script(manifest('keeper', '{ remoteEmbedder: emb }'), [{ tool: 'memory.put', args: { text: KEEPER_TEXT } }]);
  // Re-embedding runs in the background: wait for the text to arrive rather than a fixed time.
  await until('keeper\'s memory at the provider', () => embedded().includes(KEEPER_TEXT), 60_000, 50);
  const stats = JSON.parse(ok(octant('memory', 'stats', 'keeper', '--json'))) as { embedder: { current: string; target: string } };
  assert.equal(stats.embedder.target, 'router:emb');

  await script(manifest('quiet', '{}'), [
    { tool: 'memory.put', args: { text: QUIET_TEXT } },
    { tool: 'memory.search', args: { query: 'walnut crate attic' } },
  ]);
  const found = JSON.parse(ok(octant('memory', 'search', 'quiet', 'walnut crate attic', '--json'))) as { memory: { text: string }; tiers: string[] }[];
  assert.equal(found[0].memory.text, QUIET_TEXT);
  assert.ok(found[0].tiers.includes('t3'), `T3 answered: ${JSON.stringify(found)}`);
  const quietStats = JSON.parse(ok(octant('memory', 'stats', 'quiet', '--json'))) as { embedder: { current: string; target: string } };
  assert.deepEqual([quietStats.embedder.current, quietStats.embedder.target], ['hashed-v1-256', 'default']);
  assert.ok(!fake!.requests.some((r) => JSON.stringify(r.body ?? '').includes('walnut')), 'no request of the provider holds quiet\'s text');

  // Ledgered: the choice by keeper's run first, then the router's embed calls as keeper.
  const entries = ledger();
  const choice = entries.findIndex((e) => e.action === 'memory.embedder' && e.target === 'memory:keeper');
  assert.ok(choice >= 0, 'the choice is ledgered');
  assert.equal(entries[choice].agent, keeper.record.aid);
  const embeds = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.kind === 'router' && e.action === 'embed');
  assert.ok(embeds.length > 0 && embeds.every(({ e, i }) => e.agent === keeper.record.aid && e.target === 'deployment:emb' && i > choice), JSON.stringify(embeds.map(({ e }) => [e.agent, e.target])));
  assert.ok(!entries.some((e) => e.action === 'memory.embedder' && e.target === 'memory:quiet'));
});

// Re-embedding a partition when its embedder changes (docs/benchmarks.md
// "Memory: re-embedding"): one partition of `--memories` notes imported
// with the built-in embedder at 256 dimensions, then the tiers reopened with
// the operator's embedder at 384 dimensions (another identity: the partition
// is re-embedded in the background, in the embed workers). Reported: how
// long the re-embed takes, and the recall latency (the context store's
// hybrid search) while it runs against the same searches before it, in the
// same run: the event loop keeps serving, T3 answering from the old vectors.
//
// Usage: node bench/memory-reembed.ts [--memories 20000] [--queries 200]

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openRecallTiers } from '../src/services/context/recall-tiers.ts';
import { createContextStore } from '../src/services/context/store/context-store.ts';
import { builtinEmbedder } from '../src/services/context/vectors/builtin-embedder.ts';

const { values } = parseArgs({ options: { memories: { type: 'string', default: '20000' }, queries: { type: 'string', default: '200' } } });
const N = Number(values.memories);
const Q = Number(values.queries);
const PARTITION = 'bench-agent';
const WORDS = ['harbour', 'ledger', 'kiln', 'orchard', 'ferry', 'walnut', 'heron', 'weir', 'attic', 'crate', 'lamp', 'oars', 'boathouse', 'cabinet', 'stair', 'painting', 'meadow', 'quarry', 'signal', 'timber'];
const text = (i: number): string => `Note ${i}: the ${WORDS[i % 20]} near the ${WORDS[(i * 7) % 20]} was checked by team ${i % 97} on day ${i % 365}.`;
const query = (i: number): string => `${WORDS[i % 20]} ${WORDS[(i * 3) % 20]} team ${i % 97}`;

const root = mkdtempSync(join(tmpdir(), 'octant-bench-reembed-'));
const dir = join(root, 'memory');
mkdirSync(dir);
const file = join(root, 'tiers.sqlite');

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

try {
  // The partition, embedded at 256 dimensions (the built-in default).
  {
    const recall = await openRecallTiers({ file, memoryDir: dir });
    const store = createContextStore({ dir, durability: 'normal', tiers: recall.tiers, fuse: recall.fuse });
    const header = JSON.stringify({ format: 'octant-memory', version: 1, partition: PARTITION, exportedAt: 1, memories: N });
    const lines = [header, ...Array.from({ length: N }, (_, i) => JSON.stringify({ id: `m${String(i).padStart(25, '0')}`, kind: 'note', text: text(i), importance: 0.5, pinned: false, createdAt: 1000 + i, versions: [{ validFrom: 1000 + i, recordedAt: 1000 + i }] }))];
    await store.importLines(PARTITION, lines);
    await store.close();
    await recall.close();
  }
  // Reopened with another embedder: the same searches before and during the re-embed.
  const recall = await openRecallTiers({ file, memoryDir: dir, embedder: (workers) => builtinEmbedder({ workers, dims: 384 }) });
  const store = createContextStore({ dir, durability: 'normal', tiers: recall.tiers, fuse: recall.fuse });
  const times = async (): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < Q; i++) {
      const t = performance.now();
      await store.search(PARTITION, query(i), { k: 10 });
      out.push(performance.now() - t);
    }
    return out;
  };
  // The first search touches the partition: its identity (hashed-v1-256) differs from the choice (hashed-v1-384), the re-embed starts.
  const started = performance.now();
  const during = await times();
  const running = recall.embedders.identity(PARTITION).reembedding;
  await recall.embedders.settled(PARTITION);
  const took = performance.now() - started;
  const identity = recall.embedders.identity(PARTITION).current;
  const after = await times();
  await store.close();
  await recall.close();
  console.log(`re-embedded ${N} memories (hashed-v1-256 -> ${identity}) in ${(took / 1000).toFixed(1)} s (${Math.round(N / (took / 1000))} memories/s)`);
  console.log(`recall p50/p95 during the re-embed${running ? '' : ' (it had finished before the searches did)'}: ${percentile(during, 50).toFixed(2)} / ${percentile(during, 95).toFixed(2)} ms`);
  console.log(`recall p50/p95 after it: ${percentile(after, 50).toFixed(2)} / ${percentile(after, 95).toFixed(2)} ms; during/after p95 ratio ${(percentile(during, 95) / percentile(after, 95)).toFixed(2)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

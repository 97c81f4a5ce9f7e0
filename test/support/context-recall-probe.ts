// The entry of an executable built exactly like dist/octant (scripts/build.ts:
// bundle, embedded workers, startup snapshot) whose one job is T3 and T4:
// embed a batch of memories in the 'context-embed' workers, build the HNSW
// graph there (a small exact limit), relate and search
// (test/integration/context-recall-executable.test.ts).
//
//   probe FILE COUNT QUERY
//
// prints one JSON line: the embedded worker entries, the T3 index's stats,
// the workers' finished tasks, and the T3 and T4 hits of QUERY.

import { buildingSnapshot, prepareSnapshot } from '../../src/runtime/startup-snapshot.ts';
import { openRecallTiers } from '../../src/services/context/recall-tiers.ts';
import { VectorArena } from '../../src/services/context/vectors/vector-arena.ts';

async function probe(): Promise<void> {
  const [file, count, query] = process.argv.slice(2);
  const recall = await openRecallTiers({ file: file!, exactLimit: 100 });
  // Whether the vector kernel compiled (WebAssembly SIMD) in a process started from the startup snapshot.
  const out: Record<string, unknown> = { embedded: Object.keys(globalThis.__OCTANT_WORKERS__ ?? {}), simd: new VectorArena(8, 1).simd };
  try {
    const topics = ['kayak trips', 'sourdough', 'chess openings', 'violin practice', 'tax forms'];
    const memories = Array.from({ length: Number(count) }, (_, i) => ({
      id: `m${i}`, partition: 'probe-agent', kind: 'note' as const, importance: 0.5, pinned: false, validFrom: i, recordedAt: i,
      text: i === 7 ? 'Priya Raman just started a new job at Quantix Labs.' : `note ${i} about ${topics[i % topics.length]} with friend number ${i}`,
    }));
    await recall.t3.addMany(memories);
    await recall.t4.addMany(memories);
    await recall.t3.search('probe-agent', 'warm', 1);
    await recall.t3.settled('probe-agent');
    out.t3 = recall.t3.stats('probe-agent');
    out.done = recall.workers.stats().done;
    out.t3hits = (await recall.t3.search('probe-agent', query!, 3)).map((h) => h.id);
    out.t4hits = (await recall.t4.search('probe-agent', query!, 3)).map((h) => h.id);
  } finally {
    await recall.close();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (buildingSnapshot()) prepareSnapshot(async () => undefined, () => { void probe(); });
else void probe();

// The entry of an executable built exactly like dist/octant (scripts/build.ts:
// the same bundle settings, embedded workers, startup snapshot with the same
// preloaded builtins) whose one job is to build local search corpora and
// query them: the worker path of the search index, as the shipped executable
// runs it, before and besides the CLI that drives it
// (test/integration/search-index-executable.test.ts).
//
//   probe DIR '[{"name":"files:x","kind":"files","paths":["/p"],"query":"wing"}]'
//
// prints one JSON line: which worker entries are embedded, and per corpus the
// build result, the progress counts seen and the hits of its query.

import { buildingSnapshot, prepareSnapshot } from '../../src/runtime/startup-snapshot.ts';
import { openLocalSearch, type CorpusKind } from '../../src/services/search/local/index.ts';

interface ProbeCorpus { name: string; kind: CorpusKind; paths: string[]; query: string }

async function probe(): Promise<void> {
  const [dir, spec] = process.argv.slice(2);
  const local = openLocalSearch({ dir: dir!, batchSize: 2 });
  const out: Record<string, unknown> = { embedded: Object.keys(globalThis.__OCTANT_WORKERS__ ?? {}) };
  try {
    for (const corpus of JSON.parse(spec!) as ProbeCorpus[]) {
      if (!local.corpora().some((c) => c.name === corpus.name)) local.register({ name: corpus.name, kind: corpus.kind, paths: corpus.paths });
      const progress: number[] = [];
      const result = await local.build(corpus.name, { onProgress: (p) => { if (p.phase === 'indexing') progress.push(p.done); } });
      const hits = await local.engine(corpus.name)!.search({ text: corpus.query, offset: 0, limit: 5 }, { signal: AbortSignal.timeout(30_000) });
      out[corpus.name] = { result, progress, hits };
    }
  } finally {
    await local.close();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (buildingSnapshot()) prepareSnapshot(async () => undefined, () => { void probe(); });
else void probe();

// T3's workers in an executable built like dist/octant: in the shipped
// executable a worker's isolate starts from the startup snapshot with a bare
// context, where loading the wrong builtin aborts the process
// (lib/worker-pool.ts), and the embed worker renices its thread (node:fs,
// node:os); `node --test` from the sources never sees that. The probe
// (test/support/context-recall-probe.ts) is built with scripts/build.ts's own
// buildExecutable, snapshot included; it embeds 600 memories in the
// 'context-embed' workers, builds the HNSW graph there, and searches T3 and T4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExecutable } from '../../scripts/build.ts';

const here = dirname(fileURLToPath(import.meta.url));

test('an executable built like dist/octant embeds memories and builds the HNSW graph in its context-embed workers, then recalls', { timeout: 600_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-recall-exe-'));
  try {
    const probe = await buildExecutable({ entry: join(here, '..', 'support', 'context-recall-probe.ts'), output: join(work, 'bin', 'probe') });
    const run = (): { embedded: string[]; simd: boolean; t3: { kind: string; size: number; buildError?: string }; done: number; t3hits: string[]; t4hits: string[] } =>
      JSON.parse(execFileSync(probe, [join(work, 'recall.sqlite'), '600', 'where does Priya Raman work? Quantix Labs job'], { encoding: 'utf8', timeout: 300_000 }));
    const out = run();
    assert.ok(out.embedded.includes('context-embed'), `embedded workers: ${out.embedded.join(', ')}`);
    assert.equal(out.simd, true, 'the WebAssembly SIMD dot kernel runs in the built executable');
    assert.deepEqual(out.t3, { kind: 'hnsw', size: 600, building: false }, 'the graph was built in a worker');
    // 600 texts in chunks of 256 (3 tasks) and one HNSW build.
    assert.equal(out.done, 4);
    assert.equal(out.t3hits[0], 'm7', JSON.stringify(out));
    assert.equal(out.t4hits[0], 'm7', JSON.stringify(out));
    // A second process loads the saved graph: no build, only the embedding of nothing new.
    const again = run();
    assert.equal(again.t3.kind, 'hnsw');
    assert.equal(again.t3hits[0], 'm7', JSON.stringify(again));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

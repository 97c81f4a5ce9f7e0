// The search index's worker path in an executable built like dist/octant:
// in the shipped executable a worker's isolate starts from the startup
// snapshot with a bare context, where loading the wrong builtin aborts the
// whole process (lib/worker-pool.ts); `node --test` from the sources never
// sees that. The probe (test/support/search-index-probe.ts) is built with
// scripts/build.ts's own buildExecutable, snapshot included, and builds a
// files corpus (text, HTML, gzip: node:fs and node:zlib in the worker,
// node:sqlite writing) and a ZIM corpus (zstd clusters) through the
// 'search-index' worker entry the build embedded, then queries both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildExecutable } from '../../scripts/build.ts';
import { SAMPLE_ARTICLES, writeZim } from '../../src/services/search/local/testing/zim-writer.ts';

const here = dirname(fileURLToPath(import.meta.url));

test('an executable built like dist/octant indexes files and a ZIM archive in its embedded search-index worker, then answers queries', { timeout: 600_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'octant-search-exe-'));
  try {
    const probe = await buildExecutable({ entry: join(here, '..', 'support', 'search-index-probe.ts'), output: join(work, 'bin', 'probe') });
    const notes = join(work, 'notes');
    mkdirSync(notes);
    for (let i = 0; i < 5; i++) writeFileSync(join(notes, `note-${i}.txt`), `Note ${i} about ${i % 2 === 0 ? 'propellers' : 'nozzles'}.`);
    writeFileSync(join(notes, 'page.html'), '<title>Wing loading</title><p>Wing loading and <b>stall</b> speed.</p>');
    writeFileSync(join(notes, 'old.md.gz'), gzipSync('# Archived\n\nStall recovery notes.'));
    const shelf = join(work, 'shelf');
    mkdirSync(shelf);
    writeFileSync(join(shelf, 'wiki.zim'), writeZim(SAMPLE_ARTICLES, { clusters: [{ compression: 5 }, { compression: 5, wide: true }] }));
    const spec = JSON.stringify([
      { name: 'files:notes', kind: 'files', paths: [notes], query: 'stall' },
      { name: 'zim:wiki', kind: 'zim', paths: [shelf], query: '"boundary layer"' },
    ]);
    const run = (): Record<string, { result: Record<string, number>; progress: number[]; hits: { id: string; title: string; snippet: string }[] }> & { embedded: string[] } =>
      JSON.parse(execFileSync(probe, [join(work, 'index'), spec], { encoding: 'utf8', timeout: 120_000 }));

    const first = run();
    assert.ok(first.embedded.includes('search-index'), `embedded workers: ${first.embedded.join(', ')}`);
    const files = first['files:notes']!;
    assert.deepEqual([files.result.added, files.result.failed], [7, 0]);
    // Batches of 2 units: progress after each.
    assert.deepEqual(files.progress, [0, 2, 4, 6, 7]);
    assert.deepEqual(files.hits.map((h) => h.title).sort(), ['Archived (old.md.gz)', 'Wing loading']);
    assert.match(files.hits.find((h) => h.title === 'Wing loading')!.snippet, /«stall» speed/);
    const zim = first['zim:wiki']!;
    assert.deepEqual([zim.result.added, zim.result.failed], [3, 0]);
    assert.deepEqual(zim.hits.map((h) => h.id), ['C/Boundary_layer']);

    // A second process over the same index: nothing changed, nothing re-indexed.
    const second = run();
    assert.deepEqual([second['files:notes']!.result.added, second['files:notes']!.result.unchanged], [0, 7]);
    assert.deepEqual([second['zim:wiki']!.result.added, second['zim:wiki']!.result.unchanged], [0, 3]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

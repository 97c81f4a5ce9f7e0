// `octant search eval` through the shipped executable: a small collection
// in the SMART format is indexed and ranked by dist/octant, and its figures
// equal what the same code computes under `node --test` (so the executable
// runs the engine's ranking, node:sqlite and the analyzer included, from its
// startup snapshot), and a TREC run it writes reads back as the same ranking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocs, parseQrels, parseQueries } from '../../src/services/search/eval/collection-files.ts';
import { evaluate } from '../../src/services/search/eval/evaluate.ts';
import { parseTrecRun } from '../../src/services/search/eval/judgments.ts';
import { indexCollection, runQueries } from '../../src/services/search/eval/run-collection.ts';
import { OCTANT } from '../support/dist-octant.ts';

const skip = existsSync(OCTANT) ? undefined : `${OCTANT} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping search eval executable tests: ${skip}\n`);

let dir = '';
const docs: string[] = [];
// Forty documents on shell buckling, three on panel flutter.
for (let i = 1; i <= 40; i++) docs.push(`.I ${i}\n.T\nshell buckling note ${i}\n.W\nbuckling of thin cylindrical shells under axial compression, case ${i}${i === 3 ? ', cylindrical shells buckling' : ''} .\n`);
docs.push('.I 41\n.T\naeroelastic instability of skin plates\n.W\nsupersonic aeroelastic instability of the skin of missiles .\n');
docs.push('.I 42\n.T\npanel flutter at supersonic speeds\n.W\npanel flutter of skin panels: aeroelastic instability at supersonic speeds .\n');
docs.push('.I 43\n.T\nflutter of panels\n.W\nflutter of flat panels in supersonic flow, aeroelastic .\n');
const queries = '.I 1\n.W\nwhat is known about panel flutter ?\n.I 2\n.W\nbuckling of cylindrical shells .\n';
const qrels = '1 0 41 2\n1 0 42 2\n1 0 43 1\n2 0 3 1\n';

before(() => {
  if (skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'octant-search-eval-'));
  writeFileSync(join(dir, 'docs'), docs.join(''));
  writeFileSync(join(dir, 'queries'), queries);
  writeFileSync(join(dir, 'qrels'), qrels);
});

after(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }); });

test('octant search eval ranks a collection with the engine\'s ranking and reports the figures the sources compute', { skip }, () => {
  const run = spawnSync(OCTANT, ['search', 'eval', '--docs', join(dir, 'docs'), '--queries', join(dir, 'queries'), '--qrels', join(dir, 'qrels'), '--run', join(dir, 'out.run'), '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { docs: number; queries: number; ranking: { ndcg10: number; map: number }; bm25: { ndcg10: number } };
  assert.equal(out.docs, 43);
  assert.equal(out.queries, 2);

  const collection = indexCollection(parseDocs(docs.join(''), 'smart'));
  try {
    const judged = parseQrels(qrels, 'trec');
    const ours = evaluate(runQueries(collection.index, parseQueries(queries, 'smart'), 'default'), judged);
    assert.equal(out.ranking.ndcg10, ours.ndcg10);
    assert.equal(out.ranking.map, ours.map);
    const written = evaluate(parseTrecRun(readFileSync(join(dir, 'out.run'), 'utf8')), judged);
    assert.equal(written.ndcg10, ours.ndcg10, 'the TREC run written holds the same ranking');
    const bm25 = evaluate(runQueries(collection.index, parseQueries(queries, 'smart'), 'bm25'), judged);
    assert.equal(out.bm25.ndcg10, bm25.ndcg10);
    assert.ok(out.ranking.ndcg10 > 0);
  } finally {
    collection.close();
  }
});

test('octant search eval refuses a bad format and a missing file with their own errors', { skip }, () => {
  const bad = spawnSync(OCTANT, ['search', 'eval', '--docs', join(dir, 'docs'), '--queries', join(dir, 'queries'), '--docs-format', 'xml'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--docs-format must be one of smart, trec, jsonl/);
  const missing = spawnSync(OCTANT, ['search', 'eval', '--docs', join(dir, 'nope'), '--queries', join(dir, 'queries')], { encoding: 'utf8' });
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /cannot read the documents file/);
});

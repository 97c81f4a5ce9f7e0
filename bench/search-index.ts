// Local search index benchmark (services/search/local, lib/fts): indexing
// throughput of short documents and query latency at 100k documents, each
// against a plain SQLite FTS5 baseline measured in the same run:
//
// - indexing: our index (analysis in JavaScript, content hash, documents
//   table, contentless FTS5) vs a plain FTS5 insert loop (tokenize='porter
//   unicode61', the text stored in the FTS table), both in transactions of
//   1,000; and ours through the worker pool (LocalSearch.put, batches of 1,000),
//   which is what a corpus build does;
// - re-indexing the same documents (all unchanged: a lookup and a hash each);
// - queries (1-3 words drawn uniformly from the vocabulary, AND): a page of 10 with snippets
//   (Engine.search), the page without snippets (searchIndex), and the plain
//   FTS5 query `MATCH ? ORDER BY rank LIMIT 10` on the baseline table.
//
//   node bench/search-index.ts [--docs 100000] [--queries 500]
//
// Short documents: a title of 4-8 words and a body of 15-40 words drawn from a
// 5,000-word vocabulary with a Zipf-like distribution (seeded, so every run
// indexes the same text).

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { FtsIndex, type FtsDoc } from '../src/lib/fts/fts-index.ts';
import { hitSnippet, searchIndex } from '../src/lib/fts/fts-search.ts';
import { prng } from '../src/lib/seeded-random.ts';
import { openLocalSearch } from '../src/services/search/local/index.ts';
import { localSearch } from '../src/services/search/rank/ranked-search.ts';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '100000' }, queries: { type: 'string', default: '500' } } });
const N = Number(values.docs);
const Q = Number(values.queries);

const random = prng(42);
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'si', 'de', 'pa', 'gri', 'sto', 'fla', 'ber', 'con', 'ex', 'ing', 'tion', 'ly', 'ment'];
const vocabulary = Array.from({ length: 5000 }, (_, i) => {
  let w = '';
  for (let n = 2 + (i % 3); n > 0; n--) w += syllables[Math.floor(random() * syllables.length)];
  return `${w}${i % 7 === 0 ? 's' : ''}`;
});
// Zipf-like: rank r drawn with weight 1/r.
const word = (): string => vocabulary[Math.min(vocabulary.length - 1, Math.floor(Math.exp(random() * Math.log(vocabulary.length))) - 1)]!;
const words = (min: number, max: number): string => Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, word).join(' ');
const docs: FtsDoc[] = Array.from({ length: N }, (_, i) => ({ id: `doc-${i}`, fields: { title: words(4, 8), body: `${words(15, 40)}.` } }));
// Query words uniformly from the vocabulary: mostly mid- and low-frequency
// words, as the words of a person's query are; 1 to 3 of them, ANDed.
const queries = Array.from({ length: Q }, () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => vocabulary[Math.floor(random() * vocabulary.length)]!).join(' '));

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (ms: number): string => `${ms < 1 ? ms.toFixed(3) : ms.toFixed(2)} ms`;
const rate = (n: number, ms: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en')} docs/s`;
const dir = mkdtempSync(join(tmpdir(), 'octant-bench-search-'));

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** CPU time of the whole process (all threads) while `fn` runs, in ms: on a shared machine wall time mostly measures the others. */
async function cpu(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const u = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (u.user + u.system) / 1000 };
}

try {
  process.stdout.write(`search index: ${N.toLocaleString('en')} short documents, ${Q} queries, load ${loadavg()[0]!.toFixed(1)}\n\n`);

  // Baseline: plain FTS5 insert loop.
  const plain = new DatabaseSync(join(dir, 'plain.sqlite'));
  plain.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE VIRTUAL TABLE p USING fts5(title, body, tokenize='porter unicode61')");
  const insert = plain.prepare('INSERT INTO p (title, body) VALUES (?, ?)');
  const plainT = await cpu(() => {
    for (let i = 0; i < N; i += 1000) {
      plain.exec('BEGIN');
      for (const d of docs.slice(i, i + 1000)) insert.run(d.fields.title!, d.fields.body!);
      plain.exec('COMMIT');
    }
  });

  // Ours, in process.
  const db = new DatabaseSync(join(dir, 'ours.sqlite'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  const index = FtsIndex.open(db, 'corpus', { fields: [{ name: 'title', weight: 4 }, { name: 'body', weight: 1 }], lang: 'en' });
  const oursT = await cpu(() => { for (let i = 0; i < N; i += 1000) index.upsertMany(docs.slice(i, i + 1000)); });
  const againT = await cpu(() => { for (let i = 0; i < N; i += 1000) index.upsertMany(docs.slice(i, i + 1000)); });

  // Ours, through the worker pool (what a build does), on a smaller share.
  const share = Math.min(N, 20_000);
  const local = openLocalSearch({ dir: join(dir, 'local') });
  local.register({ name: 'bench', kind: 'documents' });
  const asDocs = docs.slice(0, share).map((d) => ({ id: d.id, title: d.fields.title!, body: d.fields.body! }));
  const workerT = await cpu(async () => { for (let i = 0; i < share; i += 1000) await local.put('bench', asDocs.slice(i, i + 1000)); });

  // Throughput per wall second and per CPU second; the ratio is of CPU time per document.
  process.stdout.write('| indexing | docs | wall | docs/s (wall) | docs/s (CPU) | CPU per doc vs plain FTS5 |\n|---|---|---|---|---|---|\n');
  const row = (label: string, n: number, t: { wall: number; cpu: number }): void => {
    process.stdout.write(`| ${label} | ${n} | ${Math.round(t.wall)} ms | ${rate(n, t.wall)} | **${rate(n, t.cpu)}** | ${((t.cpu / n) / (plainT.cpu / N)).toFixed(2)}x |\n`);
  };
  row('plain FTS5 insert loop (baseline)', N, plainT);
  row('ours, in process', N, oursT);
  row('ours, worker pool (LocalSearch.put)', share, workerT);
  row('ours, re-index unchanged', N, againT);
  process.stdout.write('\n');
  await local.close();

  // Queries at N documents.
  const rank = plain.prepare('SELECT rowid, rank FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10');
  const plainQ: number[] = [];
  const oursQ: number[] = [];
  const snippetQ: number[] = [];
  // Warm both (first statements, page cache).
  for (const q of queries.slice(0, 20)) { rank.all(q); searchIndex(index, q); }
  let hitsSeen = 0;
  for (const q of queries) {
    plainQ.push(time(() => rank.all(q)));
    oursQ.push(time(() => { hitsSeen += searchIndex(index, q).hits.length; }));
    snippetQ.push(time(() => { const r = searchIndex(index, q); for (const h of r.hits) hitSnippet(index, h, r.query); }));
  }
  const p50 = percentile(plainQ, 50);
  process.stdout.write(`| query (page of 10, ${N} docs) | p50 | p95 | p50 vs plain FTS5 |\n|---|---|---|---|\n`);
  const qrow = (label: string, wall: number[]): void => {
    process.stdout.write(`| ${label} | **${fmt(percentile(wall, 50))}** | ${fmt(percentile(wall, 95))} | ${(percentile(wall, 50) / p50).toFixed(2)}x |\n`);
  };
  qrow('plain FTS5 MATCH ORDER BY rank (baseline)', plainQ);
  qrow('ours, searchIndex', oursQ);
  qrow('ours, strict path with snippets (Engine.search for queries using the syntax)', snippetQ);
  // Plain words are ranked (services/search/rank): the OR of the words, the
  // ranking's bounded candidate set, feedback and regularisation. Fewer
  // queries: each costs far more than a page of the strict path.
  const rankedQ: number[] = [];
  for (const q of queries.slice(0, Math.min(Q, 100))) rankedQ.push(time(() => { const r = localSearch(index, q); for (const h of r.hits) hitSnippet(index, h, r.query); }));
  qrow(`ours, ranked with snippets (Engine.search for plain words; ${rankedQ.length} queries)`, rankedQ);
  process.stdout.write(`\n(${(hitsSeen / Q).toFixed(1)} hits per query on average)\n`);
  plain.close();
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

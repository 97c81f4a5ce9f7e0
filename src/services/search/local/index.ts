// Local search: full-text indexes over corpora on this machine, each one an
// Engine (../types.ts). Nothing here leaves the machine.
//
// The index-management API (what the search service, its CLI and the
// search.query tool call; stable):
//
//   const local = openLocalSearch({ dir })        // dir: <state>/search/local; nothing opened yet
//   local.register({ name, kind, paths?, lang?, description? }) -> CorpusInfo
//        kinds: 'files' (folders of text, Markdown, HTML), 'man' (/usr/share/man),
//        'usr-doc' (/usr/share/doc), 'dpkg' (/var/lib/dpkg/status), 'git'
//        (commits and tracked files), 'zim' (Kiwix archives), 'documents' (filled through put/remove)
//   local.corpora() -> CorpusInfo[]                 // spec + stats of each
//   await local.build(name, { onProgress, signal }) -> BuildResult
//        a full pass: new and changed documents indexed, unchanged ones skipped
//        (same stamp or content hash), vanished ones removed; progress after
//        each batch; the heavy part runs in the 'search-index' worker pool
//   await local.put(name, docs) / await local.remove(name, ids)   // 'documents' corpora
//   local.stats(name) -> IndexStats                 // docs, terms, bytes, last build
//   local.delete(name)                              // registry entry and index file
//   local.engines() -> Engine[]; local.engine(name) // search through Engine.search
//   local.index(name) -> FtsIndex                   // read handle for ranking (lib/fts:
//        retrieve() weighted BM25, termStats(), getDoc(), the analyzer)
//   await local.close()
//
// Queries run on the calling thread against SQLite in WAL mode (a page of
// hits is a few index lookups, well under a millisecond); everything that
// grows with a corpus (reading, analyzing, writing) runs in the worker.

import { mkdirSync, rmSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import type { FtsIndex, FtsStats } from '../../../lib/fts/fts-index.ts';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import { createWorkerPool, workerSource, type WorkerPool } from '../../../lib/worker-pool.ts';
import type { Engine } from '../types.ts';
import type { BatchResult, CorpusKind, IndexDoc, IndexUnit } from './corpus-types.ts';
import { corpusEngine } from './engine.ts';
import { openCorpusIndex, openDatabase } from './index-db.ts';
import { DEFAULT_PATHS, listUnits } from './list-units.ts';
import { CorpusRegistry, validateSpec, type CorpusSpec } from './registry.ts';

export type { CorpusKind, IndexDoc } from './corpus-types.ts';
export type { CorpusSpec } from './registry.ts';

export interface LocalSearchOptions {
  /** Where corpora.json and the index files live (created when missing). */
  dir: string;
  /** Indexing worker threads (default 1: indexing is background work). */
  threads?: number;
  /** A pool running the 'search-index' worker entry; made (and closed) here when absent. */
  pool?: WorkerPool;
  /** Units per worker task (default 256): progress is reported after each. */
  batchSize?: number;
}

export interface RegisterInput {
  name: string;
  kind: CorpusKind;
  paths?: string[];
  lang?: string;
  description?: string;
}

export type IndexStats = FtsStats;

export interface CorpusInfo extends CorpusSpec {
  stats: IndexStats;
}

export interface IndexProgress {
  phase: 'listing' | 'indexing' | 'removing' | 'done';
  /** Units handed to the worker so far, of `total`. */
  done: number;
  total: number;
  added: number;
  changed: number;
  unchanged: number;
  failed: number;
  removed: number;
}

export interface BuildResult extends Omit<IndexProgress, 'phase'> {
  /** The first few units that could not be read. */
  errors: string[];
  ms: number;
}

export interface BuildOptions {
  onProgress?: (progress: IndexProgress) => void;
  signal?: AbortSignal;
}

export interface LocalSearch {
  register(input: RegisterInput): CorpusInfo;
  corpora(): CorpusInfo[];
  build(name: string, options?: BuildOptions): Promise<BuildResult>;
  put(name: string, docs: readonly IndexDoc[]): Promise<BatchResult>;
  remove(name: string, ids: readonly string[]): Promise<number>;
  stats(name: string): IndexStats;
  delete(name: string): Promise<void>;
  engines(): Engine[];
  engine(name: string): Engine | undefined;
  index(name: string): FtsIndex;
  close(): Promise<void>;
}

const DEFAULT_DESCRIPTION: Readonly<Record<CorpusKind, string>> = {
  files: 'files and folders on this machine',
  man: 'manual pages on this machine',
  'usr-doc': 'package documentation in /usr/share/doc',
  dpkg: 'Debian packages known to this machine',
  git: 'a git repository: commits and tracked files',
  zim: 'offline archives in the ZIM format (Kiwix)',
  documents: 'documents indexed through the API',
};

export function searchIndexPool(threads = 1): WorkerPool {
  return createWorkerPool({
    name: 'search-index',
    source: workerSource('search-index', () => new URL('./index-worker.ts', import.meta.url)),
    threads,
    queueLimit: 64,
  });
}

export function openLocalSearch(options: LocalSearchOptions): LocalSearch {
  const registry = new CorpusRegistry(options.dir);
  const batchSize = options.batchSize ?? 256;
  let pool = options.pool;
  const ownPool = pool === undefined;
  const readers = new Map<string, { db: DatabaseSync; index: FtsIndex }>();
  const building = new Set<string>();

  const workers = (): WorkerPool => (pool ??= searchIndexPool(options.threads ?? 1));

  function reader(spec: CorpusSpec): FtsIndex {
    let entry = readers.get(spec.name);
    if (entry === undefined) {
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      const db = openDatabase(registry.dbPath(spec.name));
      entry = { db, index: openCorpusIndex(db, spec.lang) };
      readers.set(spec.name, entry);
    }
    return entry.index;
  }

  const info = (spec: CorpusSpec): CorpusInfo => ({ ...spec, stats: reader(spec).stats() });

  function exclusive<T>(name: string, run: () => Promise<T>): Promise<T> {
    if (building.has(name)) {
      return Promise.reject(new OctantError('E_SEARCH_BUSY', `corpus '${name}' is being indexed already`, { exit: EXIT.unavailable, hint: 'wait for that build to finish', detail: { status: 409 } }));
    }
    building.add(name);
    return run().finally(() => building.delete(name));
  }

  async function runBatches(spec: CorpusSpec, units: IndexUnit[], gen: number, progress: IndexProgress, options: BuildOptions, errors: string[]): Promise<void> {
    for (let at = 0; at < units.length; at += batchSize) {
      if (options.signal?.aborted) throw new OctantError('E_SEARCH_ABORTED', `indexing '${spec.name}' was stopped; what was indexed stays, nothing was removed`, { exit: EXIT.interrupted });
      const slice = units.slice(at, at + batchSize);
      const r = await workers().run<BatchResult>('index-batch', { db: registry.dbPath(spec.name), kind: spec.kind, lang: spec.lang, units: slice, gen });
      progress.done += slice.length;
      progress.added += r.added; progress.changed += r.changed; progress.unchanged += r.unchanged; progress.failed += r.failed;
      for (const e of r.errors) if (errors.length < 10) errors.push(e);
      options.onProgress?.({ ...progress });
    }
  }

  return {
    register(input) {
      validateSpec(input);
      const corpora = registry.list();
      if (corpora.some((c) => c.name === input.name)) {
        throw new OctantError('E_SEARCH_CORPUS_EXISTS', `a corpus named '${input.name}' exists already`, { exit: EXIT.usage, hint: 'delete it first, or pick another name', detail: { status: 409 } });
      }
      const spec: CorpusSpec = {
        name: input.name,
        kind: input.kind,
        paths: input.paths ?? [],
        lang: input.lang ?? 'en',
        description: input.description ?? DEFAULT_DESCRIPTION[input.kind],
        created: Date.now(),
      };
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      registry.save([...corpora, spec]);
      return info(spec);
    },

    corpora: () => registry.list().map(info),

    async build(name, buildOptions = {}) {
      const spec = registry.get(name);
      return exclusive(name, async () => {
        const started = performance.now();
        const progress: IndexProgress = { phase: 'listing', done: 0, total: 0, added: 0, changed: 0, unchanged: 0, failed: 0, removed: 0 };
        const errors: string[] = [];
        buildOptions.onProgress?.({ ...progress });
        const paths = spec.paths.length > 0 ? spec.paths : [...(DEFAULT_PATHS[spec.kind] ?? [])];
        const units = await listUnits(spec.kind, paths, buildOptions.signal);
        const index = reader(spec);
        const gen = index.beginPass();
        progress.phase = 'indexing';
        progress.total = units.length;
        buildOptions.onProgress?.({ ...progress });
        if (spec.kind !== 'documents') {
          await runBatches(spec, units, gen, progress, buildOptions, errors);
          progress.phase = 'removing';
          buildOptions.onProgress?.({ ...progress });
          progress.removed = await workers().run<number>('end-pass', { db: registry.dbPath(spec.name), lang: spec.lang, gen });
        }
        progress.phase = 'done';
        buildOptions.onProgress?.({ ...progress });
        const { phase: _phase, ...counts } = progress;
        return { ...counts, errors, ms: Math.round(performance.now() - started) };
      });
    },

    async put(name, docs) {
      const spec = registry.get(name);
      reader(spec);
      return workers().run<BatchResult>('index-batch', { db: registry.dbPath(name), kind: spec.kind, lang: spec.lang, units: docs.map((doc) => ({ doc })), gen: 0 });
    },

    async remove(name, ids) {
      const spec = registry.get(name);
      return workers().run<number>('remove-docs', { db: registry.dbPath(name), lang: spec.lang, ids: [...ids] });
    },

    stats: (name) => reader(registry.get(name)).stats(),

    async delete(name) {
      const spec = registry.get(name);
      await exclusive(name, async () => {
        if (pool !== undefined) await pool.run('close', { db: registry.dbPath(name) });
        readers.get(name)?.db.close();
        readers.delete(name);
        registry.save(registry.list().filter((c) => c.name !== name));
        const file = registry.dbPath(spec.name);
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      });
    },

    engines: () => registry.list().map((spec) => corpusEngine(spec, () => reader(registry.get(spec.name)))),

    engine(name) {
      const spec = registry.list().find((c) => c.name === name);
      return spec === undefined ? undefined : corpusEngine(spec, () => reader(registry.get(name)));
    },

    index: (name) => reader(registry.get(name)),

    async close() {
      for (const { db } of readers.values()) db.close();
      readers.clear();
      if (ownPool && pool !== undefined) await pool.close();
      pool = undefined;
    },
  };
}

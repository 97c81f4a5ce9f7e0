// T4: the graph tier (docs/memory.md "T4"). Entities and relations from
// every memory (extract.ts, rule-based) and from explicit relate() calls,
// in three tables of SQLite or PostgreSQL (sql-driver.ts):
//   t4_entities (partition, norm, name)                 one row per entity
//   t4_edges    (partition, subject, relation, object, memory_id)
//   t4_mentions (partition, entity, memory_id)          which memory names which entity
// Entities are identified by their normalized name (extract.ts
// normalizeEntity); memory_id '' marks an edge stated with relate() rather
// than read from a memory.
//
// Multi-hop: edges are walked in both directions, breadth first, up to a
// bounded depth (MAX_DEPTH), every read bounded (graph-search.ts: edges
// newest first per entity, an edge budget, a mention budget). As a recall
// tier, search() finds the entities the query names, walks out from them,
// and ranks the memories that mention what it reached: closer entities
// count more, and an entity mentioned by many memories (a hub such as
// "user") counts less, like a term's IDF. A memory that states a relation
// the query asks about (RELATION_CUES: "where does Priya work" asks for
// works_at) counts most.
//
// A bulk add (an import) extracts in the workers when given some
// ('graph-extract', embed-worker.ts) and writes in transactions of
// INGEST_CHUNK memories, yielding to the event loop between them.
//
// Forgetting is total: remove() deletes the memory's mentions and edges and
// every entity that nothing mentions or relates any more (its name may be
// what was forgotten).

import { setImmediate } from 'node:timers/promises';
import type { WorkerPool } from '../../../lib/worker-pool.ts';
import type { Memory, Partition, RecallTier, TierHit } from '../types.ts';
import { words } from '../vectors/hashed-embedding.ts';
import { extract, normalizeEntity, type Extracted } from './extract.ts';
import { GRAPH_BUDGET, mentionedMemories, mentions, shareLimit, walk, type GraphBudget } from './graph-search.ts';
import type { ModelExtraction } from './model-extraction.ts';
import type { SqlDriver, SqlValue } from './sql-driver.ts';

export const MAX_DEPTH = 4;

export interface Edge {
  subject: string;
  relation: string;
  object: string;
  /** The memory the edge was read from; '' for one stated with relate(). */
  memoryId: string;
}

export interface Reached {
  entity: string;
  /** Hops from the nearest start entity (0 for a start entity). */
  depth: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS t4_entities (partition TEXT NOT NULL, norm TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (partition, norm))`,
  `CREATE TABLE IF NOT EXISTS t4_edges (partition TEXT NOT NULL, subject TEXT NOT NULL, relation TEXT NOT NULL, object TEXT NOT NULL, memory_id TEXT NOT NULL,
     valid_from BIGINT NOT NULL, PRIMARY KEY (partition, subject, relation, object, memory_id))`,
  // An entity's edges newest first, read as a range (graph-search.ts walk).
  `CREATE INDEX IF NOT EXISTS t4_edges_subject_time ON t4_edges (partition, subject, valid_from)`,
  `CREATE INDEX IF NOT EXISTS t4_edges_object_time ON t4_edges (partition, object, valid_from)`,
  // Covering, so a memory's rows are found by (partition, memory_id): with
  // an index that is not, SQLite (no statistics) scans the partition by
  // another covering one, and every ingest and forget cost O(partition).
  `CREATE INDEX IF NOT EXISTS t4_edges_by_memory ON t4_edges (partition, memory_id, subject, object)`,
  `CREATE TABLE IF NOT EXISTS t4_mentions (partition TEXT NOT NULL, entity TEXT NOT NULL, memory_id TEXT NOT NULL, PRIMARY KEY (partition, entity, memory_id))`,
  `CREATE INDEX IF NOT EXISTS t4_mentions_by_memory ON t4_mentions (partition, memory_id, entity)`,
  // Replaced by the ones above (files written before them).
  `DROP INDEX IF EXISTS t4_edges_object`,
  `DROP INDEX IF EXISTS t4_edges_memory`,
  `DROP INDEX IF EXISTS t4_mentions_memory`,
];

/** Memories per write transaction of a bulk add; the event loop runs between two. */
export const INGEST_CHUNK = 250;
/** Texts per extraction task in the workers, and tasks of one batch in the pool at once. */
const EXTRACT_CHUNK = 500;
const EXTRACT_IN_FLIGHT = 4;

export interface ExtractTask {
  texts: string[];
  keys: (string | null)[];
}

/** How often a changed partition's size is counted again at most (GraphTier.partitionSize). */
const SIZE_RECOUNT_MS = 5000;

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export interface GraphTierOptions {
  driver: SqlDriver;
  /** What one search reads at most (graph-search.ts; defaults GRAPH_BUDGET). */
  budget?: Partial<GraphBudget>;
  /** Bulk adds extract here ('graph-extract'), off the event loop; default in place. */
  workers?: WorkerPool;
}

/** Extraction by a model after the rules' (model-extraction.ts): told what was added and what is being forgotten. */
export type ExtractionHook = Pick<ModelExtraction, 'added' | 'removed'>;

/**
 * Words of a question that ask for a relation (besides the relation's own
 * words: "dog" asks for the relation 'dog' of "Priya's dog is Biscuit").
 */
const RELATION_CUES: Readonly<Record<string, readonly string[]>> = {
  works_at: ['work', 'works', 'working', 'job', 'employer', 'employed', 'company', 'hired', 'workplace'],
  lives_in: ['live', 'lives', 'living', 'moved', 'home', 'reside', 'resides', 'city', 'where'],
  based_in: ['based', 'headquartered', 'headquarters', 'located', 'hq', 'city', 'where'],
  born_in: ['born', 'birthplace'],
  partner_of: ['married', 'partner', 'wife', 'husband', 'spouse', 'engaged'],
  owns: ['own', 'owns', 'pet', 'adopted'],
  likes: ['like', 'likes', 'love', 'enjoy', 'hobby', 'fun', 'into'],
  studies_at: ['study', 'studies', 'school', 'university', 'college'],
};

/** Relations a subject has one value of at a time. */
const SINGLE_VALUED = new Set(['works_at', 'lives_in', 'based_in', 'partner_of', 'reports_to']);

function relationCued(relation: string, queryWords: ReadonlySet<string>): boolean {
  for (const part of relation.split('_')) if (part.length > 2 && queryWords.has(part)) return true;
  for (const cue of RELATION_CUES[relation] ?? []) if (queryWords.has(cue)) return true;
  return false;
}

export class GraphTier implements RecallTier {
  readonly name = 't4';
  private readonly driver: SqlDriver;
  private readonly budget: Readonly<GraphBudget>;
  private readonly workers: WorkerPool | undefined;
  private ready: Promise<void> | undefined;
  private extraction: ExtractionHook | undefined;
  /** Per partition: memories naming an entity (graph-search.ts mentionedMemories), when counted, and whether it changed since. */
  private readonly sizes = new Map<Partition, { n: number; at: number; changed: boolean }>();

  constructor(options: GraphTierOptions) {
    this.driver = options.driver;
    this.budget = { ...GRAPH_BUDGET, ...options.budget };
    if (!(Number.isInteger(this.budget.depth) && this.budget.depth >= 0 && this.budget.depth <= MAX_DEPTH)) throw new RangeError(`graph: budget.depth must be an integer in 0..${MAX_DEPTH}`);
    this.workers = options.workers;
  }

  /** Create the tables (once; every method waits for it). */
  init(): Promise<void> {
    this.ready ??= (async () => {
      for (const statement of SCHEMA) await this.driver.run(statement);
    })();
    return this.ready;
  }

  async add(memory: Memory): Promise<void> {
    await this.init();
    await this.driver.transaction(() => this.ingest(memory, extract(memory.text, memory.key)));
    // Indexed by the rules and committed; a model may refine it later, off this path.
    this.extraction?.added([memory]);
  }

  /** Read many memories (a bulk import): extracted in the workers if any, written INGEST_CHUNK per transaction. */
  async addMany(memories: readonly Memory[]): Promise<void> {
    await this.init();
    const extracted = await this.extractAll(memories);
    for (let i = 0; i < memories.length; i += INGEST_CHUNK) {
      // Between two transactions the event loop serves others (agents' requests).
      if (i > 0) await setImmediate();
      await this.driver.transaction(async () => {
        for (let j = i; j < Math.min(i + INGEST_CHUNK, memories.length); j++) await this.ingest(memories[j], extracted[j]);
      });
    }
    // Indexed by the rules and committed; a model may refine it later, off this path.
    this.extraction?.added(memories);
  }

  /** Hand every memory added from now on to a model's extraction as well (the context service, when one is configured). */
  useExtraction(hook: ExtractionHook | undefined): void {
    this.extraction = hook;
  }

  /** Replace what `memory` contributed with `extracted` (a model's, checked), in one transaction, only if `current()` still holds then. */
  async replaceExtraction(memory: Memory, extracted: Extracted, current: () => boolean): Promise<boolean> {
    await this.init();
    return this.driver.transaction(async () => {
      if (!current()) return false;
      await this.ingest(memory, { entities: new Map(extracted.entities), relations: [...extracted.relations] });
      return true;
    });
  }

  /** Extraction of a batch: in place when short or without workers, else chunks in the pool (a few at once). */
  private async extractAll(memories: readonly Memory[]): Promise<Extracted[]> {
    const workers = this.workers;
    if (workers === undefined || memories.length <= EXTRACT_CHUNK / 10) return memories.map((m) => extract(m.text, m.key));
    const out: Extracted[] = new Array(memories.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < memories.length) {
        const from = next;
        next += EXTRACT_CHUNK;
        const slice = memories.slice(from, from + EXTRACT_CHUNK);
        const task: ExtractTask = { texts: slice.map((m) => m.text), keys: slice.map((m) => m.key ?? null) };
        const got = await workers.run<Extracted[]>('graph-extract', task);
        for (let i = 0; i < got.length; i++) out[from + i] = got[i];
      }
    };
    await Promise.all(Array.from({ length: Math.min(EXTRACT_IN_FLIGHT, Math.ceil(memories.length / EXTRACT_CHUNK)) }, lane));
    return out;
  }

  private async ingest(memory: Memory, extracted: Extracted): Promise<void> {
    this.changed(memory.partition);
    const { entities, relations } = extracted;
    // A memory written by relate() states its relation: that edge, not a guess from its text.
    if (memory.relation !== undefined) {
      const { from, relation, to } = memory.relation;
      const s = normalizeEntity(from);
      const o = normalizeEntity(to);
      if (s !== '' && o !== '') {
        entities.set(s, entities.get(s) ?? from.trim());
        entities.set(o, entities.get(o) ?? to.trim());
        relations.length = 0;
        relations.push({ subject: s, relation: relation.trim().toLowerCase().replace(/[\s-]+/g, '_'), object: o });
      }
    }
    const p = memory.partition;
    // A memory re-added (its text corrected) is read afresh.
    const before = await this.forgetMemory(p, memory.id);
    for (const [norm, name] of entities) {
      await this.entity(p, norm, name);
      await this.driver.run('INSERT INTO t4_mentions (partition, entity, memory_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [p, norm, memory.id]);
    }
    for (const r of relations) await this.edge(p, r.subject, r.relation, r.object, memory.id, memory.validFrom);
    await this.pruneEntities(p, before);
  }

  /** State a relation explicitly (memory.relate). Names are normalized; the relation is lowercased, spaces become '_'. */
  async relate(partition: Partition, subject: string, relation: string, object: string, memoryId = '', validFrom = Date.now()): Promise<Edge> {
    await this.init();
    const s = normalizeEntity(subject);
    const o = normalizeEntity(object);
    const rel = relation.trim().toLowerCase().replace(/\s+/g, '_');
    for (const [field, value] of [['subject', s], ['object', o], ['relation', rel]] as const) {
      if (value === '' || value.length > 200) throw new RangeError(`relate: ${field} must have 1 to 200 characters of letters or digits`);
    }
    await this.driver.transaction(async () => {
      await this.entity(partition, s, subject.trim());
      await this.entity(partition, o, object.trim());
      await this.edge(partition, s, rel, o, memoryId, validFrom);
    });
    return { subject: s, relation: rel, object: o, memoryId };
  }

  /** Take back an explicitly stated relation. */
  async unrelate(partition: Partition, subject: string, relation: string, object: string): Promise<boolean> {
    await this.init();
    const rel = relation.trim().toLowerCase().replace(/\s+/g, '_');
    return this.driver.transaction(async () => {
      const args = [partition, normalizeEntity(subject), rel, normalizeEntity(object)];
      const had = await this.driver.all(`SELECT 1 AS x FROM t4_edges WHERE partition = ? AND subject = ? AND relation = ? AND object = ? AND memory_id = ''`, args);
      await this.driver.run(`DELETE FROM t4_edges WHERE partition = ? AND subject = ? AND relation = ? AND object = ? AND memory_id = ''`, args);
      await this.pruneEntities(partition, [args[1], args[3]]);
      return had.length > 0;
    }).finally(() => this.driver.scrub());
  }

  async remove(partition: Partition, id: string): Promise<void> {
    await this.init();
    // Before the rows go: a model's answer for it must never write them back.
    this.extraction?.removed(partition, id);
    await this.driver.transaction(async () => {
      await this.pruneEntities(partition, await this.forgetMemory(partition, id));
    });
    await this.driver.scrub();
  }

  /** The edges that touch `entity`, either way. */
  async edges(partition: Partition, entity: string): Promise<Edge[]> {
    await this.init();
    const e = normalizeEntity(entity);
    const rows = await this.driver.all(`SELECT subject, relation, object, memory_id FROM t4_edges WHERE partition = ? AND subject = ?
      UNION SELECT subject, relation, object, memory_id FROM t4_edges WHERE partition = ? AND object = ? ORDER BY 1, 2, 3, 4`, [partition, e, partition, e]);
    return rows.map((r) => ({ subject: String(r.subject), relation: String(r.relation), object: String(r.object), memoryId: String(r.memory_id) }));
  }

  /** Entities within `depth` hops of `starts` (bounded by MAX_DEPTH), nearest first, within the tier's budget (at most `limit`). */
  async reach(partition: Partition, starts: readonly string[], depth: number, limit = 1000): Promise<Reached[]> {
    await this.init();
    if (!(Number.isInteger(depth) && depth >= 0 && depth <= MAX_DEPTH)) throw new RangeError(`graph: depth must be an integer in 0..${MAX_DEPTH} (got ${depth})`);
    const norms = [...new Set(starts.map(normalizeEntity))].filter((s) => s !== '');
    if (norms.length === 0) return [];
    const known = await this.driver.all(`SELECT norm FROM t4_entities WHERE partition = ? AND norm IN (${marks(norms.length)})`, [partition, ...norms]);
    const { depthOf } = await walk(this.driver, partition, known.map((r) => String(r.norm)), depth, { ...this.budget, reachLimit: limit });
    return [...depthOf].map(([entity, d]) => ({ entity, depth: d })).sort((a, b) => a.depth - b.depth || (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0));
  }

  /** The known entities a text names: every span of one to four of its words, and single words as a name's first word ("Priya" finds "priya raman"). */
  async entitiesIn(partition: Partition, text: string): Promise<string[]> {
    await this.init();
    const ws = words(text).slice(0, 64);
    const spans = new Set<string>();
    for (let i = 0; i < ws.length; i++) for (let n = 1; n <= 4 && i + n <= ws.length; n++) spans.add(normalizeEntity(ws.slice(i, i + n).join(' ')));
    spans.delete('');
    if (spans.size === 0) return [];
    const list = [...spans];
    const exact = await this.driver.all(`SELECT norm FROM t4_entities WHERE partition = ? AND norm IN (${marks(list.length)})`, [partition, ...list]);
    const found = new Set(exact.map((r) => String(r.norm)));
    for (const w of ws) {
      if (w.length < 3) continue;
      // A range scan on the primary key: names that start with "w ".
      const prefixed = await this.driver.all('SELECT norm FROM t4_entities WHERE partition = ? AND norm >= ? AND norm < ? LIMIT 5', [partition, `${w} `, `${w}!`]);
      for (const r of prefixed) found.add(String(r.norm));
    }
    return [...found];
  }

  async search(partition: Partition, query: string, k: number): Promise<TierHit[]> {
    if (k <= 0) return [];
    const starts = await this.entitiesIn(partition, query);
    if (starts.length === 0) return [];
    // A hub by its share still starts the walk (a question about a speaker's
    // home asks for their lives_in edge); only its mentions are not ranked by.
    const byShare = shareLimit(this.budget, await this.partitionSize(partition));
    const { depth } = this.budget;
    const { depthOf, edges } = await walk(this.driver, partition, starts, depth, this.budget);
    const score = new Map<string, number>();
    const bump = (id: string, w: number): void => {
      score.set(id, (score.get(id) ?? 0) + w);
    };
    // Mentions: nearer counts more; an entity many memories mention counts
    // less (like a term's IDF), and a hub past hubLimit not at all.
    for (const { entity, memoryIds } of await mentions(this.driver, partition, depthOf, this.budget, byShare)) {
      const w = 1 / (1 + depthOf.get(entity)!) / Math.log2(1 + memoryIds.length);
      for (const id of memoryIds) bump(id, w);
    }
    // Relations the query asks about ("where does X work" -> works_at): the
    // memories that state such a relation of a reached entity count most.
    // A subject has one value of a single-valued relation at a time (one
    // city it lives in): the newest edge states the current value, older
    // ones what was true before, and count a quarter. The edges are those
    // the walk read (newest first per entity).
    const cues = new Set(words(query));
    // The query's own entities are one subject per first word: "Priya" and
    // "Priya Raman" are told apart by the text, not by the person (two
    // people the query names by one first name are merged: it is ambiguous).
    const subjectKey = (entity: string, relation: string): string => `${depthOf.get(entity) === 0 ? entity.split(' ')[0] : entity}\u0000${relation}`;
    const stated = edges.filter((e) => e.memoryId !== '');
    const newest = new Map<string, number>();
    for (const e of stated) {
      const key = subjectKey(e.subject, e.relation);
      newest.set(key, Math.max(newest.get(key) ?? -Infinity, e.validFrom));
    }
    for (const e of stated) {
      if (!relationCued(e.relation, cues)) continue;
      const d = Math.min(depthOf.get(e.subject) ?? depth, depthOf.get(e.object) ?? depth);
      const superseded = SINGLE_VALUED.has(e.relation) && e.validFrom < newest.get(subjectKey(e.subject, e.relation))!;
      bump(e.memoryId, (superseded ? 0.25 : 1) / (1 + d));
    }
    return [...score].map(([id, s]) => ({ id, score: s })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, k);
  }

  private changed(partition: Partition): void {
    const size = this.sizes.get(partition);
    if (size !== undefined) size.changed = true;
  }

  /**
   * The partition's size for the hub share, counted again after a change at
   * most every SIZE_RECOUNT_MS: a count is bounded (graph-search.ts), but a
   * put between every two searches should not pay it each time, and the
   * share needs no exact size.
   */
  private async partitionSize(partition: Partition): Promise<number> {
    const size = this.sizes.get(partition);
    const now = Date.now();
    if (size !== undefined && (!size.changed || now - size.at < SIZE_RECOUNT_MS)) return size.n;
    const n = await mentionedMemories(this.driver, partition, this.budget);
    this.sizes.set(partition, { n, at: now, changed: false });
    return n;
  }

  private async entity(partition: Partition, norm: string, name: string): Promise<void> {
    await this.driver.run('INSERT INTO t4_entities (partition, norm, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [partition, norm, name]);
  }

  private async edge(partition: Partition, subject: string, relation: string, object: string, memoryId: string, validFrom: number): Promise<void> {
    const args: SqlValue[] = [partition, subject, relation, object, memoryId, validFrom];
    await this.driver.run('INSERT INTO t4_edges (partition, subject, relation, object, memory_id, valid_from) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', args);
  }

  /** Delete what memory `id` contributed; the entities it named (to prune). */
  private async forgetMemory(partition: Partition, id: string): Promise<string[]> {
    this.changed(partition);
    // UNION ALL, deduplicated here: a UNION's merge would read the tables in
    // entity order, i.e. scan the partition (docs/memory.md "T4").
    const named = await this.driver.all(
      `SELECT entity AS e FROM t4_mentions WHERE partition = ? AND memory_id = ?
       UNION ALL SELECT subject FROM t4_edges WHERE partition = ? AND memory_id = ?
       UNION ALL SELECT object FROM t4_edges WHERE partition = ? AND memory_id = ?`,
      [partition, id, partition, id, partition, id],
    );
    if (named.length === 0) return [];
    await this.driver.run('DELETE FROM t4_mentions WHERE partition = ? AND memory_id = ?', [partition, id]);
    await this.driver.run('DELETE FROM t4_edges WHERE partition = ? AND memory_id = ?', [partition, id]);
    return [...new Set(named.map((r) => String(r.e)))];
  }

  /** Of `candidates`, the entities nothing mentions or relates any more are deleted (their names may be what was forgotten). */
  private async pruneEntities(partition: Partition, candidates: readonly string[]): Promise<void> {
    if (candidates.length === 0) return;
    await this.driver.run(
      `DELETE FROM t4_entities WHERE partition = ? AND norm IN (${marks(candidates.length)})
         AND NOT EXISTS (SELECT 1 FROM t4_mentions m WHERE m.partition = t4_entities.partition AND m.entity = t4_entities.norm)
         AND NOT EXISTS (SELECT 1 FROM t4_edges e WHERE e.partition = t4_entities.partition AND e.subject = t4_entities.norm)
         AND NOT EXISTS (SELECT 1 FROM t4_edges e WHERE e.partition = t4_entities.partition AND e.object = t4_entities.norm)`,
      [partition, ...candidates],
    );
  }
}

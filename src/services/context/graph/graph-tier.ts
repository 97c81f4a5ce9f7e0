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
// Multi-hop: a recursive query walks edges in both directions up to a
// bounded depth (MAX_DEPTH). As a recall tier, search() finds the entities
// the query names, walks out from them, and ranks the memories that mention
// what it reached: closer entities count more, and an entity mentioned by
// many memories (a hub such as "user") counts less, like a term's IDF. A
// memory that states a relation the query asks about (RELATION_CUES: "where
// does Priya work" asks for works_at) counts most.
//
// Forgetting is total: remove() deletes the memory's mentions and edges and
// every entity that nothing mentions or relates any more (its name may be
// what was forgotten).

import type { Memory, Partition, RecallTier, TierHit } from '../types.ts';
import { words } from '../vectors/hashed-embedding.ts';
import { extract, normalizeEntity, type Extracted } from './extract.ts';
import type { ModelExtraction } from './model-extraction.ts';
import type { Row, SqlDriver, SqlValue } from './sql-driver.ts';

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
  `CREATE INDEX IF NOT EXISTS t4_edges_object ON t4_edges (partition, object)`,
  `CREATE INDEX IF NOT EXISTS t4_edges_memory ON t4_edges (partition, memory_id)`,
  `CREATE TABLE IF NOT EXISTS t4_mentions (partition TEXT NOT NULL, entity TEXT NOT NULL, memory_id TEXT NOT NULL, PRIMARY KEY (partition, entity, memory_id))`,
  `CREATE INDEX IF NOT EXISTS t4_mentions_memory ON t4_mentions (partition, memory_id)`,
];

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Walk edges both ways from the start entities, at most `depth` hops; each entity once, at its least depth. */
const REACH = (starts: number): string => `
WITH RECURSIVE reach(node, depth) AS (
  SELECT norm, 0 FROM t4_entities WHERE partition = ? AND norm IN (${marks(starts)})
  UNION
  SELECT n.other, r.depth + 1 FROM reach r
  JOIN (SELECT subject AS node, object AS other FROM t4_edges WHERE partition = ?
        UNION ALL SELECT object, subject FROM t4_edges WHERE partition = ?) n ON n.node = r.node
  WHERE r.depth < ?
)
SELECT node, min(depth) AS depth FROM reach GROUP BY node ORDER BY min(depth), node LIMIT ?`;

export interface GraphTierOptions {
  driver: SqlDriver;
  /** Hops search() walks from the query's entities (default 2). */
  searchDepth?: number;
  /** Entities search() considers at most (nearest first; default 200). */
  reachLimit?: number;
  /** An entity more memories mention than this is a hub search() does not rank by (default 1000). */
  hubLimit?: number;
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
  private readonly searchDepth: number;
  private readonly reachLimit: number;
  private readonly hubLimit: number;
  private ready: Promise<void> | undefined;
  private extraction: ExtractionHook | undefined;

  constructor(options: GraphTierOptions) {
    this.driver = options.driver;
    this.searchDepth = options.searchDepth ?? 2;
    this.reachLimit = options.reachLimit ?? 200;
    this.hubLimit = options.hubLimit ?? 1000;
  }

  /** Create the tables (once; every method waits for it). */
  init(): Promise<void> {
    this.ready ??= (async () => {
      for (const statement of SCHEMA) await this.driver.run(statement);
    })();
    return this.ready;
  }

  async add(memory: Memory): Promise<void> {
    await this.addMany([memory]);
  }

  /** Read many memories in one transaction (a bulk import). */
  async addMany(memories: readonly Memory[]): Promise<void> {
    await this.init();
    await this.driver.transaction(async () => {
      for (const memory of memories) await this.ingest(memory);
    });
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

  private async ingest(memory: Memory, extracted?: Extracted): Promise<void> {
    const { entities, relations } = extracted ?? extract(memory.text, memory.key);
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
    const rows = await this.driver.all('SELECT subject, relation, object, memory_id FROM t4_edges WHERE partition = ? AND (subject = ? OR object = ?) ORDER BY subject, relation, object, memory_id', [partition, e, e]);
    return rows.map((r) => ({ subject: String(r.subject), relation: String(r.relation), object: String(r.object), memoryId: String(r.memory_id) }));
  }

  /** Entities within `depth` hops of `starts` (bounded by MAX_DEPTH), nearest first. */
  async reach(partition: Partition, starts: readonly string[], depth: number, limit = 1000): Promise<Reached[]> {
    await this.init();
    if (!(Number.isInteger(depth) && depth >= 0 && depth <= MAX_DEPTH)) throw new RangeError(`graph: depth must be an integer in 0..${MAX_DEPTH} (got ${depth})`);
    const norms = [...new Set(starts.map(normalizeEntity))].filter((s) => s !== '');
    if (norms.length === 0) return [];
    const rows = await this.driver.all(REACH(norms.length), [partition, ...norms, partition, partition, depth, limit]);
    return rows.map((r) => ({ entity: String(r.node), depth: Number(r.depth) }));
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
    const reached = await this.reach(partition, starts, this.searchDepth, this.reachLimit);
    const depthOf = new Map(reached.map((r) => [r.entity, r.depth]));
    const names = [...depthOf.keys()];
    const score = new Map<string, number>();
    const bump = (id: string, w: number): void => {
      score.set(id, (score.get(id) ?? 0) + w);
    };
    // Mentions: nearer counts more; an entity many memories mention counts
    // less (like a term's IDF), and a hub past hubLimit not at all.
    const counts = await this.driver.all(`SELECT entity, count(*) AS n FROM t4_mentions WHERE partition = ? AND entity IN (${marks(names.length)}) GROUP BY entity`, [partition, ...names]);
    const weightOf = new Map<string, number>();
    for (const c of counts) {
      const n = Number(c.n);
      if (n <= this.hubLimit) weightOf.set(String(c.entity), 1 / (1 + depthOf.get(String(c.entity))!) / Math.log2(1 + n));
    }
    if (weightOf.size > 0) {
      const kept = [...weightOf.keys()];
      const rows = await this.driver.all(`SELECT memory_id, entity FROM t4_mentions WHERE partition = ? AND entity IN (${marks(kept.length)})`, [partition, ...kept]);
      for (const r of rows) bump(String(r.memory_id), weightOf.get(String(r.entity))!);
    }
    // Relations the query asks about ("where does X work" -> works_at): the
    // memories that state such a relation of a reached entity count most.
    // A subject has one value of a single-valued relation at a time (one
    // city it lives in): the newest edge states the current value, older
    // ones what was true before, and count a quarter.
    const cues = new Set(words(query));
    const edges = await this.driver.all(
      `SELECT memory_id, subject, relation, object, valid_from FROM t4_edges WHERE partition = ? AND memory_id <> ''
         AND (subject IN (${marks(names.length)}) OR object IN (${marks(names.length)}))`,
      [partition, ...names, ...names],
    );
    // The query's own entities are one subject per first word: "Priya" and
    // "Priya Raman" are told apart by the text, not by the person (two
    // people the query names by one first name are merged: it is ambiguous).
    const subjectKey = (entity: string, relation: string): string => `${depthOf.get(entity) === 0 ? entity.split(' ')[0] : entity}\u0000${relation}`;
    const newest = new Map<string, number>();
    for (const e of edges) {
      const key = subjectKey(String(e.subject), String(e.relation));
      newest.set(key, Math.max(newest.get(key) ?? -Infinity, Number(e.valid_from)));
    }
    for (const e of edges) {
      const relation = String(e.relation);
      if (!relationCued(relation, cues)) continue;
      const depth = Math.min(depthOf.get(String(e.subject)) ?? this.searchDepth, depthOf.get(String(e.object)) ?? this.searchDepth);
      const superseded = SINGLE_VALUED.has(relation) && Number(e.valid_from) < newest.get(subjectKey(String(e.subject), relation))!;
      bump(String(e.memory_id), (superseded ? 0.25 : 1) / (1 + depth));
    }
    return [...score].map(([id, s]) => ({ id, score: s })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, k);
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
    const named = await this.driver.all(
      `SELECT entity AS e FROM t4_mentions WHERE partition = ? AND memory_id = ?
       UNION SELECT subject FROM t4_edges WHERE partition = ? AND memory_id = ?
       UNION SELECT object FROM t4_edges WHERE partition = ? AND memory_id = ?`,
      [partition, id, partition, id, partition, id],
    );
    await this.driver.run('DELETE FROM t4_mentions WHERE partition = ? AND memory_id = ?', [partition, id]);
    await this.driver.run('DELETE FROM t4_edges WHERE partition = ? AND memory_id = ?', [partition, id]);
    return named.map((r) => String(r.e));
  }

  /** Of `candidates`, the entities nothing mentions or relates any more are deleted (their names may be what was forgotten). */
  private async pruneEntities(partition: Partition, candidates: readonly string[]): Promise<void> {
    if (candidates.length === 0) return;
    await this.driver.run(
      `DELETE FROM t4_entities WHERE partition = ? AND norm IN (${marks(candidates.length)})
         AND NOT EXISTS (SELECT 1 FROM t4_mentions m WHERE m.partition = t4_entities.partition AND m.entity = t4_entities.norm)
         AND NOT EXISTS (SELECT 1 FROM t4_edges e WHERE e.partition = t4_entities.partition AND (e.subject = t4_entities.norm OR e.object = t4_entities.norm))`,
      [partition, ...candidates],
    );
  }
}

// T1: one partition's memories in its own SQLite file (schema.ts), read and
// written through prepared statements. Synchronous on purpose: node:sqlite
// answers an indexed read in microseconds, and a put is acknowledged only
// once its commit is durable (schema.ts "Durability").

import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Memory, Partition, PutInput } from '../types.ts';
import { MEMORY_COLUMNS, memoryOf, num, str, type Row } from './rows.ts';
import type { TextTerms } from './schema.ts';
import type { BelievedVersion } from './temporal.ts';

/** Orders one memory's versions best first: believed, valid at :now, latest valid time, latest written. */
const BEST_VERSION = `ORDER BY (v.superseded_at IS NULL) DESC,
  (v.valid_from <= :now AND (v.valid_to IS NULL OR v.valid_to > :now)) DESC, v.valid_from DESC, v.v DESC LIMIT 1`;

/** A version that held at :validAt as believed at :knownAt. */
const AS_OF = `v.recorded_at <= :knownAt AND (v.superseded_at IS NULL OR v.superseded_at > :knownAt)
  AND v.valid_from <= :validAt AND (v.valid_to IS NULL OR v.valid_to > :validAt)`;

export class DurablePartition {
  readonly partition: Partition;
  readonly db: DatabaseSync;
  readonly #byId: StatementSync;
  readonly #asOfKey: StatementSync;
  readonly #asOfId: StatementSync;
  readonly #history: StatementSync;
  readonly #believed: StatementSync;
  readonly #insertMemory: StatementSync;
  readonly #insertVersion: StatementSync;
  readonly #supersede: StatementSync;
  readonly #confirm: StatementSync;
  readonly #nOf: StatementSync;
  readonly #deleteVersions: StatementSync;
  readonly #deleteMemory: StatementSync;
  readonly #pending: StatementSync;
  readonly #addPending: StatementSync;
  readonly #clearPending: StatementSync;
  readonly #pinned: StatementSync;
  readonly #recent: StatementSync;

  constructor(partition: Partition, db: DatabaseSync) {
    this.partition = partition;
    this.db = db;
    this.#byId = db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memory m JOIN version v ON v.n = m.n WHERE m.id = :id ${BEST_VERSION}`);
    this.#asOfKey = db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memory m JOIN version v ON v.n = m.n
      WHERE m.key = :key AND m.kind = 'fact' AND ${AS_OF} ORDER BY v.valid_from DESC, v.v DESC LIMIT 1`);
    this.#asOfId = db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memory m JOIN version v ON v.n = m.n
      WHERE m.id = :id AND ${AS_OF} ORDER BY v.valid_from DESC, v.v DESC LIMIT 1`);
    this.#history = db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memory m JOIN version v ON v.n = m.n
      WHERE m.key = ? AND m.kind = 'fact' ORDER BY v.recorded_at, v.valid_from, v.v`);
    this.#believed = db.prepare(`SELECT v.v, m.id, m.text, v.valid_from, v.valid_to FROM memory m JOIN version v ON v.n = m.n
      WHERE m.key = ? AND m.kind = 'fact' AND v.superseded_at IS NULL ORDER BY v.valid_from`);
    this.#insertMemory = db.prepare(`INSERT INTO memory (id, kind, key, text, importance, pinned, tags, relation, created_at, text_terms, key_terms, tags_terms)
      VALUES (:id, :kind, :key, :text, :importance, :pinned, :tags, :relation, :created_at, :text_terms, :key_terms, :tags_terms) RETURNING n`);
    this.#insertVersion = db.prepare('INSERT INTO version (n, valid_from, valid_to, recorded_at) VALUES (?, ?, ?, ?)');
    this.#supersede = db.prepare('UPDATE version SET superseded_at = ? WHERE v = ? AND superseded_at IS NULL');
    this.#confirm = db.prepare(`UPDATE memory SET confirmed_at = :at, importance = max(importance, :importance),
      pinned = max(pinned, :pinned) WHERE id = :id`);
    this.#nOf = db.prepare('SELECT n FROM memory WHERE id = ?');
    this.#deleteVersions = db.prepare('DELETE FROM version WHERE n = ?');
    this.#deleteMemory = db.prepare('DELETE FROM memory WHERE n = ?');
    this.#pending = db.prepare('SELECT id, tier FROM forget_pending ORDER BY id');
    this.#addPending = db.prepare('INSERT OR IGNORE INTO forget_pending (id, tier) VALUES (?, ?)');
    this.#clearPending = db.prepare('DELETE FROM forget_pending WHERE id = ? AND tier = ?');
    this.#pinned = db.prepare(`SELECT ${MEMORY_COLUMNS} FROM memory m JOIN version v ON v.v = (
      SELECT v2.v FROM version v2 WHERE v2.n = m.n ORDER BY (v2.superseded_at IS NULL) DESC, v2.valid_from DESC, v2.v DESC LIMIT 1)
      WHERE m.pinned = 1 ORDER BY m.n`);
    this.#recent = db.prepare(`SELECT ${MEMORY_COLUMNS} FROM (SELECT * FROM memory ORDER BY created_at DESC, n DESC LIMIT ?) m
      JOIN version v ON v.v = (SELECT v2.v FROM version v2 WHERE v2.n = m.n
        ORDER BY (v2.superseded_at IS NULL) DESC, v2.valid_from DESC, v2.v DESC LIMIT 1)
      ORDER BY m.created_at DESC, m.n DESC`);
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE: takes the write lock first, so it never fails half-way on a busy file). */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const value = fn();
      this.db.exec('COMMIT');
      return value;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  get(id: string, now: number): Memory | undefined {
    const row = this.#byId.get({ id, now });
    return row === undefined ? undefined : memoryOf(this.partition, row);
  }

  asOf(key: string, validAt: number, knownAt: number): Memory | undefined {
    const row = this.#asOfKey.get({ key, validAt, knownAt });
    return row === undefined ? undefined : memoryOf(this.partition, row);
  }

  /** The version of memory `id` that held at validAt as believed at knownAt. */
  getAsOf(id: string, validAt: number, knownAt: number): Memory | undefined {
    const row = this.#asOfId.get({ id, validAt, knownAt });
    return row === undefined ? undefined : memoryOf(this.partition, row);
  }

  history(key: string): Memory[] {
    return this.#history.all(key).map((row) => memoryOf(this.partition, row));
  }

  believed(key: string): BelievedVersion[] {
    return this.#believed.all(key).map((row: Row) => {
      const validTo = row.valid_to;
      return {
        v: num(row, 'v'), id: str(row, 'id'), text: str(row, 'text'), validFrom: num(row, 'valid_from'),
        validTo: validTo === null ? undefined : num(row, 'valid_to'),
      };
    });
  }

  /** Inserts a memory row (no version yet) and, by trigger, its T2 terms; returns its row number. */
  insertMemory(id: string, input: PutInput, importance: number, createdAt: number, terms: TextTerms): number {
    const row = this.#insertMemory.get({
      ...terms,
      id, kind: input.kind, key: input.key ?? null, text: input.text, importance, pinned: input.pinned === true ? 1 : 0,
      tags: input.tags === undefined ? null : JSON.stringify(input.tags),
      relation: input.relation === undefined ? null : JSON.stringify(input.relation), created_at: createdAt,
    });
    if (row === undefined) throw new Error('memory insert returned no row');
    return num(row, 'n');
  }

  rowOf(id: string): number | undefined {
    const row = this.#nOf.get(id);
    return row === undefined ? undefined : num(row, 'n');
  }

  insertVersion(n: number, validFrom: number, validTo: number | undefined, recordedAt: number): void {
    this.#insertVersion.run(n, validFrom, validTo ?? null, recordedAt);
  }

  supersede(v: number, at: number): void {
    this.#supersede.run(at, v);
  }

  confirm(id: string, at: number, importance: number, pinned: boolean): void {
    this.#confirm.run({ id, at, importance, pinned: pinned ? 1 : 0 });
  }

  /** Deletes a memory and all its versions (its T2 row goes with it, by trigger); records the recall tiers that must still remove it. */
  delete(id: string, tiers: readonly string[]): boolean {
    const n = this.rowOf(id);
    if (n === undefined) return false;
    for (const tier of tiers) this.#addPending.run(id, tier);
    this.#deleteVersions.run(n);
    this.#deleteMemory.run(n);
    return true;
  }

  pendingForgets(): { id: string; tier: string }[] {
    return this.#pending.all().map((row) => ({ id: str(row, 'id'), tier: str(row, 'tier') }));
  }

  clearPending(id: string, tier: string): void {
    this.#clearPending.run(id, tier);
  }

  pinned(): Memory[] {
    return this.#pinned.all().map((row) => memoryOf(this.partition, row));
  }

  recent(n: number): Memory[] {
    return this.#recent.all(n).map((row) => memoryOf(this.partition, row));
  }
}

// A full-text index in an SQLite database (node:sqlite), reusable by any
// service: search corpora, agent memory (T2). One index = a few tables with
// one name prefix, so several can share a database file:
//
//   <p>_docs   rowid, id (unique), hash, stamp, fields (original text,
//              JSON), meta (JSON), len (terms), gen (last pass that saw it)
//   <p>_fts    FTS5, one column per field, contentless (content=''): it
//              holds only the analyzed terms (lib/text/analyzer.ts), the
//              original text is in <p>_docs; contentless_delete=1 lets a
//              changed or removed document leave the index (SQLite >= 3.43)
//   <p>_vocab  fts5vocab 'row' over <p>_fts: document frequencies
//   <p>_info   key/value: config (fields, language), totals, last build
//
// Writes: upsert by id and content hash (an unchanged document costs one
// lookup), remove, and passes (beginPass/endPass: what a full pass over a
// corpus did not see is removed). Reads are in fts-search.ts.
//
// The tokenizer is FTS5's 'ascii': terms are letters and digits joined by
// spaces, so it splits them back exactly, bytes >= 0x80 being term bytes.

import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { EXIT, OctantError } from '../errors.ts';
import { createAnalyzer, type Analyzer } from '../text/analyzer.ts';
import { contentHash } from './content-hash.ts';

export interface FtsField {
  /** A column name: lowercase letters, digits, '_'. */
  name: string;
  /** BM25 weight of a match in this field (title 4, body 1 is usual). */
  weight: number;
}

export interface FtsConfig {
  fields: readonly FtsField[];
  /** Analyzer language (lib/text/languages.ts). */
  lang: string;
}

export type MetaValue = string | number;

export interface FtsDoc {
  id: string;
  /** Text per field; a field left out is empty. */
  fields: Readonly<Record<string, string>>;
  meta?: Readonly<Record<string, MetaValue>>;
  /** Change detection; computed from fields and meta when absent. */
  hash?: string;
  /**
   * What the source looked like when read (a file's size and mtime): a later
   * pass that sees the same stamp may skip reading it (unchangedStamp).
   */
  stamp?: string;
}

export type UpsertOutcome = 'added' | 'changed' | 'unchanged';

export interface UpsertCounts {
  added: number;
  changed: number;
  unchanged: number;
}

export interface FtsStats {
  docs: number;
  /** Distinct terms. */
  terms: number;
  /** Bytes of the index's tables and indexes in the database. */
  bytes: number;
  /** Sum of the documents' term counts. */
  totalLength: number;
  /** ms since epoch of the last endPass (undefined: never). */
  lastBuild: number | undefined;
}

const NAME = /^[a-z][a-z0-9_]{0,39}$/;

function configError(message: string, hint?: string): OctantError {
  return new OctantError('E_FTS_CONFIG', message, { exit: EXIT.usage, hint });
}

export class FtsIndex {
  readonly db: DatabaseSync;
  readonly name: string;
  readonly config: FtsConfig;
  readonly analyzer: Analyzer;
  readonly fieldNames: readonly string[];
  #statements = new Map<string, StatementSync>();
  /** Change of the total length not yet written: flushed once per transaction, not once per document. */
  #pendingLength = 0;
  #ownTransaction = false;

  private constructor(db: DatabaseSync, name: string, config: FtsConfig) {
    this.db = db;
    this.name = name;
    this.config = config;
    this.analyzer = createAnalyzer(config.lang);
    this.fieldNames = config.fields.map((f) => f.name);
  }

  /**
   * Open the index `name` in `db`, creating it with `config` when it does
   * not exist. An existing index keeps its fields and language (they shaped
   * what is stored); `config` may change the weights only.
   */
  static open(db: DatabaseSync, name: string, config?: FtsConfig): FtsIndex {
    if (!NAME.test(name)) throw configError(`index name '${name}' must be lowercase letters, digits and '_' (at most 40)`);
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(`${name}_info`) !== undefined;
    if (!exists) {
      if (config === undefined) throw new OctantError('E_FTS_MISSING', `full-text index '${name}' does not exist`, { exit: EXIT.failure });
      validate(config);
      create(db, name, config);
      return new FtsIndex(db, name, config);
    }
    const row = db.prepare(`SELECT value FROM ${name}_info WHERE key = 'config'`).get() as { value: string } | undefined;
    const stored = JSON.parse(row!.value) as FtsConfig;
    if (config !== undefined) {
      validate(config);
      const same = config.lang === stored.lang && config.fields.length === stored.fields.length
        && config.fields.every((f, i) => f.name === stored.fields[i]!.name);
      if (!same) {
        throw configError(`full-text index '${name}' has fields [${stored.fields.map((f) => f.name).join(', ')}] in '${stored.lang}'; it cannot be reopened with other fields or another language`,
          'delete the index and build it again');
      }
      return new FtsIndex(db, name, config);
    }
    return new FtsIndex(db, name, stored);
  }

  /** A prepared statement, kept for the life of the index ('{p}' is the table prefix). */
  statement(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql.replaceAll('{p}', this.name));
      this.#statements.set(sql, s);
    }
    return s;
  }

  /**
   * A statement to run() for its effect: its lastInsertRowid comes back as a
   * BigInt, because after a write to an FTS5 table SQLite's last rowid can be
   * one of FTS5's internal ones, beyond 2^53 (node:sqlite throws converting it).
   */
  #write(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.statement(sql);
      s.setReadBigInts(true);
    }
    return s;
  }

  /** Add or replace one document; unchanged (same hash) does nothing but mark it seen by `gen`. */
  upsert(doc: FtsDoc, gen = 0): UpsertOutcome {
    const fields = this.fieldNames.map((f) => doc.fields[f] ?? '');
    const metaJson = doc.meta === undefined ? '{}' : JSON.stringify(doc.meta);
    const hash = doc.hash ?? contentHash(`${fields.join('\u0000')}\u0001${metaJson}`);
    const found = this.statement('SELECT rowid, hash, len FROM {p}_docs WHERE id = ?').get(doc.id) as { rowid: number; hash: string; len: number } | undefined;
    if (found !== undefined && found.hash === hash) {
      if (gen !== 0 || doc.stamp !== undefined) this.#write('UPDATE {p}_docs SET gen = ?, stamp = ? WHERE rowid = ?').run(gen, doc.stamp ?? null, found.rowid);
      return 'unchanged';
    }
    const analyzed = fields.map((text) => this.analyzer.terms(text));
    const len = analyzed.reduce((n, terms) => n + terms.length, 0);
    const columns = analyzed.map((terms) => terms.join(' '));
    const fieldsJson = JSON.stringify(Object.fromEntries(this.fieldNames.map((f, i) => [f, fields[i]])));
    let rowid: number;
    if (found !== undefined) {
      rowid = found.rowid;
      this.#write('DELETE FROM {p}_fts WHERE rowid = ?').run(rowid);
      this.#write('UPDATE {p}_docs SET hash = ?, stamp = ?, fields = ?, meta = ?, len = ?, gen = ? WHERE rowid = ?').run(hash, doc.stamp ?? null, fieldsJson, metaJson, len, gen, rowid);
      this.#addLength(len - found.len);
    } else {
      rowid = Number(this.#write('INSERT INTO {p}_docs (id, hash, stamp, fields, meta, len, gen) VALUES (?, ?, ?, ?, ?, ?, ?)').run(doc.id, hash, doc.stamp ?? null, fieldsJson, metaJson, len, gen).lastInsertRowid);
      this.#addLength(len);
    }
    const placeholders = this.fieldNames.map(() => '?').join(', ');
    this.#write(`INSERT INTO {p}_fts (rowid, ${this.fieldNames.join(', ')}) VALUES (?, ${placeholders})`).run(rowid, ...columns);
    return found === undefined ? 'added' : 'changed';
  }

  /** True (and the document marked seen by `gen`) when `id` is indexed with this stamp. */
  unchangedStamp(id: string, stamp: string, gen = 0): boolean {
    const found = this.statement('SELECT rowid FROM {p}_docs WHERE id = ? AND stamp = ?').get(id, stamp) as { rowid: number } | undefined;
    if (found === undefined) return false;
    if (gen !== 0) this.#write('UPDATE {p}_docs SET gen = ? WHERE rowid = ?').run(gen, found.rowid);
    return true;
  }

  /** Upsert many documents in one transaction. */
  upsertMany(docs: readonly FtsDoc[], gen = 0): UpsertCounts {
    const counts: UpsertCounts = { added: 0, changed: 0, unchanged: 0 };
    this.transaction(() => { for (const doc of docs) counts[this.upsert(doc, gen)]++; });
    return counts;
  }

  /** Remove the document `id`; false when there was none. */
  remove(id: string): boolean {
    const found = this.statement('SELECT rowid, len FROM {p}_docs WHERE id = ?').get(id) as { rowid: number; len: number } | undefined;
    if (found === undefined) return false;
    this.#removeRow(found.rowid, found.len);
    return true;
  }

  /** Start a full pass over a corpus: the generation that upserts pass along to mark what they saw. */
  beginPass(): number {
    return this.#info('gen', 0) + 1;
  }

  /** End the pass `gen`: remove every document it did not see; record the build time. */
  endPass(gen: number, now = Date.now()): number {
    let removed = 0;
    this.transaction(() => {
      const stale = this.statement('SELECT rowid, len FROM {p}_docs WHERE gen < ?').all(gen) as { rowid: number; len: number }[];
      for (const row of stale) this.#removeRow(row.rowid, row.len);
      removed = stale.length;
      this.#setInfo('gen', gen);
      this.#setInfo('lastBuild', now);
    });
    return removed;
  }

  /** Run `fn` in one transaction (nested calls join the outer one). */
  transaction(fn: () => void): void {
    if (this.db.isTransaction) { fn(); return; }
    this.db.exec('BEGIN IMMEDIATE');
    this.#ownTransaction = true;
    try {
      fn();
      this.#flushLength();
      this.db.exec('COMMIT');
    } catch (error) {
      this.#pendingLength = 0;
      this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.#ownTransaction = false;
    }
  }

  count(): number {
    return (this.statement('SELECT count(*) AS n FROM {p}_docs').get() as { n: number }).n;
  }

  totalLength(): number {
    return this.#info('totalLength', 0) + this.#pendingLength;
  }

  stats(): FtsStats {
    const terms = (this.statement('SELECT count(*) AS n FROM {p}_vocab').get() as { n: number }).n;
    let bytes = 0;
    try {
      bytes = (this.statement("SELECT coalesce(sum(pgsize), 0) AS b FROM dbstat WHERE name LIKE '{p}\\_%' ESCAPE '\\' OR name LIKE 'sqlite_autoindex_{p}\\_%' ESCAPE '\\'").get() as { b: number }).b;
    } catch {
      // An SQLite without the dbstat table: the whole file's pages.
      const pages = this.db.prepare('PRAGMA page_count').get() as { page_count: number };
      const size = this.db.prepare('PRAGMA page_size').get() as { page_size: number };
      bytes = pages.page_count * size.page_size;
    }
    const last = this.#info('lastBuild', 0);
    return { docs: this.count(), terms, bytes, totalLength: this.totalLength(), lastBuild: last === 0 ? undefined : last };
  }

  /** Remove the index's tables. */
  drop(): void {
    this.transaction(() => {
      for (const table of ['vocab', 'fts', 'docs', 'info']) this.db.exec(`DROP TABLE IF EXISTS ${this.name}_${table}`);
    });
    this.#statements.clear();
  }

  #removeRow(rowid: number, len: number): void {
    this.#write('DELETE FROM {p}_fts WHERE rowid = ?').run(rowid);
    this.#write('DELETE FROM {p}_docs WHERE rowid = ?').run(rowid);
    this.#addLength(-len);
  }

  #addLength(delta: number): void {
    this.#pendingLength += delta;
    // Deferred only inside a transaction of ours (which flushes before its
    // COMMIT); a caller's own transaction gets the write at once.
    if (!this.#ownTransaction) this.#flushLength();
  }

  #flushLength(): void {
    if (this.#pendingLength !== 0) this.#write("UPDATE {p}_info SET value = value + ? WHERE key = 'totalLength'").run(this.#pendingLength);
    this.#pendingLength = 0;
  }

  #info(key: string, fallback: number): number {
    const row = this.statement('SELECT value FROM {p}_info WHERE key = ?').get(key) as { value: number } | undefined;
    return row === undefined ? fallback : Number(row.value);
  }

  #setInfo(key: string, value: number): void {
    this.#write('INSERT INTO {p}_info (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

function validate(config: FtsConfig): void {
  if (config.fields.length === 0) throw configError('a full-text index needs at least one field');
  const seen = new Set<string>();
  for (const field of config.fields) {
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(field.name) || field.name === 'rowid' || field.name === 'rank') {
      throw configError(`field name '${field.name}' must be lowercase letters, digits and '_' (and not rowid or rank)`);
    }
    if (seen.has(field.name)) throw configError(`field '${field.name}' is listed twice`);
    seen.add(field.name);
    if (!Number.isFinite(field.weight) || field.weight <= 0) throw configError(`field '${field.name}': weight must be a positive number`);
  }
  createAnalyzer(config.lang);
}

function create(db: DatabaseSync, p: string, config: FtsConfig): void {
  const columns = config.fields.map((f) => f.name).join(', ');
  db.exec(`
    CREATE TABLE ${p}_docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL, stamp TEXT, fields TEXT NOT NULL, meta TEXT NOT NULL, len INTEGER NOT NULL, gen INTEGER NOT NULL);
    CREATE VIRTUAL TABLE ${p}_fts USING fts5(${columns}, content='', contentless_delete=1, tokenize='ascii');
    CREATE VIRTUAL TABLE ${p}_vocab USING fts5vocab(${p}_fts, 'row');
    CREATE TABLE ${p}_info (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  `);
  const insert = db.prepare(`INSERT INTO ${p}_info (key, value) VALUES (?, ?)`);
  insert.run('config', JSON.stringify({ fields: config.fields, lang: config.lang }));
  insert.run('totalLength', 0);
  insert.run('gen', 0);
}

// Import of an export (export-format.ts) into a partition file. Every line is
// checked before anything is written, and the first bad one refuses the
// whole import naming its line and field (E_MEMORY_IMPORT): nothing is half
// imported. Then one transaction adds the memories whose id the partition
// does not hold yet (an id it holds is skipped: importing twice is
// harmless). Facts on a key the partition already believes something about
// are refused: their histories would overlap.
//
// Runs in a worker of the pool when the store has one (store-worker.ts): it
// is parsing, checking and indexing that grows with the input. It opens the
// file with the same settings as the store (schema.ts).

import { OctantError } from '../../../lib/errors.ts';
import type { Partition } from '../types.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportLine } from './export-format.ts';
import { checkId, checkPutInput, checkTime } from './memory-input.ts';
import { num } from './rows.ts';
import { openPartitionFile, textTerms, type Durability } from './schema.ts';

export interface ImportTask {
  file: string;
  partition: Partition;
  lines: string[];
  durability: Durability;
  lang: string;
}

export interface ImportResult {
  /** Ids added (the store then hands them to the recall tiers). */
  ids: string[];
  skipped: number;
}

function fail(line: number, field: string, message: string): never {
  throw new OctantError('E_MEMORY_IMPORT', `memory import: line ${line}: ${field}: ${message}`, { detail: { line, field } });
}

function object(text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(line, '(line)', 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(line, '(line)', 'expected a JSON object');
  return { ...value };
}

function checkHeader(text: string | undefined): void {
  if (text === undefined) fail(1, 'format', 'empty input: expected the export header');
  const header = object(text, 1);
  if (header.format !== EXPORT_FORMAT) fail(1, 'format', `expected '${EXPORT_FORMAT}'`);
  if (header.version !== EXPORT_VERSION) fail(1, 'version', `expected ${EXPORT_VERSION} (this build reads version ${EXPORT_VERSION})`);
}

const LINE_FIELDS = new Set(['id', 'kind', 'key', 'text', 'importance', 'pinned', 'tags', 'relation', 'createdAt', 'confirmedAt', 'versions']);

/** One memory line, checked; field errors name the line. */
export function checkLine(text: string, line: number): ExportLine {
  const raw = object(text, line);
  for (const name of Object.keys(raw)) if (!LINE_FIELDS.has(name)) fail(line, name, 'unknown field');
  const where = `memory import: line ${line}`;
  let checked;
  try {
    const id = checkId(raw.id, 'id', where);
    const input = checkPutInput({ kind: raw.kind, key: raw.key, text: raw.text, importance: raw.importance, pinned: raw.pinned, tags: raw.tags, relation: raw.relation }, where);
    const createdAt = checkTime(raw.createdAt, 'createdAt', where);
    const confirmedAt = raw.confirmedAt === undefined ? undefined : checkTime(raw.confirmedAt, 'confirmedAt', where);
    checked = { id, input, createdAt, confirmedAt };
  } catch (error) {
    if (error instanceof OctantError) throw new OctantError('E_MEMORY_IMPORT', error.message, { detail: { line, ...error.detail } });
    throw error;
  }
  if (typeof raw.importance !== 'number') fail(line, 'importance', 'expected a number from 0 to 1');
  if (typeof raw.pinned !== 'boolean') fail(line, 'pinned', 'expected true or false');
  if (!Array.isArray(raw.versions) || raw.versions.length === 0) fail(line, 'versions', 'expected at least one version');
  const versions = raw.versions.map((v: unknown, i: number) => {
    const field = `versions[${i}]`;
    if (typeof v !== 'object' || v === null) fail(line, field, 'expected an object');
    const r: Record<string, unknown> = { ...v };
    const time = (name: string, optional: boolean): number | undefined => {
      if (r[name] === undefined && optional) return undefined;
      const value = r[name];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(line, `${field}.${name}`, 'expected milliseconds since the epoch');
      return value;
    };
    for (const name of Object.keys(r)) if (!['validFrom', 'validTo', 'recordedAt', 'supersededAt'].includes(name)) fail(line, `${field}.${name}`, 'unknown field');
    const validFrom = time('validFrom', false) ?? 0;
    const recordedAt = time('recordedAt', false) ?? 0;
    const validTo = time('validTo', true);
    const supersededAt = time('supersededAt', true);
    if (validTo !== undefined && validTo <= validFrom) fail(line, `${field}.validTo`, 'must be after validFrom');
    if (supersededAt !== undefined && supersededAt < recordedAt) fail(line, `${field}.supersededAt`, 'must not be before recordedAt');
    return { validFrom, validTo, recordedAt, supersededAt };
  });
  if (checked.input.kind !== 'fact' && versions.length !== 1) fail(line, 'versions', `a ${checked.input.kind} has exactly one version`);
  return {
    id: checked.id, kind: checked.input.kind, key: checked.input.key, text: checked.input.text, importance: raw.importance, pinned: raw.pinned,
    tags: checked.input.tags, relation: checked.input.relation, createdAt: checked.createdAt, confirmedAt: checked.confirmedAt, versions,
  };
}

export function importIntoFile(task: ImportTask): ImportResult {
  checkHeader(task.lines[0]);
  const memories = task.lines.slice(1).map((text, i) => ({ line: i + 2, text })).filter((l) => l.text.trim() !== '')
    .map((l) => ({ line: l.line, memory: checkLine(l.text, l.line) }));
  const seen = new Set<string>();
  for (const { line, memory } of memories) {
    if (seen.has(memory.id)) fail(line, 'id', `${memory.id} appears twice`);
    seen.add(memory.id);
  }
  const { db, analyzer } = openPartitionFile(task.file, task.durability, task.lang);
  try {
    const exists = db.prepare('SELECT n FROM memory WHERE id = ?');
    const believedKey = db.prepare("SELECT 1 FROM memory m JOIN version v ON v.n = m.n WHERE m.key = ? AND m.kind = 'fact' AND v.superseded_at IS NULL LIMIT 1");
    const insert = db.prepare(`INSERT INTO memory (id, kind, key, text, importance, pinned, tags, relation, created_at, confirmed_at, text_terms, key_terms, tags_terms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING n`);
    const version = db.prepare('INSERT INTO version (n, valid_from, valid_to, recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?)');
    const ids: string[] = [];
    const importedKeys = new Set<string>();
    let skipped = 0;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const { line, memory: m } of memories) {
        if (exists.get(m.id) !== undefined) {
          skipped += 1;
          continue;
        }
        if (m.kind === 'fact' && m.key !== undefined && !importedKeys.has(m.key)) {
          if (believedKey.get(m.key) !== undefined) fail(line, 'key', `the partition already holds facts on '${m.key}' (forget them, or import into an empty partition)`);
          importedKeys.add(m.key);
        }
        const terms = textTerms(analyzer, m.text, m.key, m.tags);
        const row = insert.get(m.id, m.kind, m.key ?? null, m.text, m.importance, m.pinned ? 1 : 0, m.tags === undefined ? null : JSON.stringify(m.tags),
          m.relation === undefined ? null : JSON.stringify(m.relation), m.createdAt, m.confirmedAt ?? null, terms.text_terms, terms.key_terms, terms.tags_terms);
        if (row === undefined) throw new Error('memory insert returned no row');
        for (const v of m.versions) version.run(num(row, 'n'), v.validFrom, v.validTo ?? null, v.recordedAt, v.supersededAt ?? null);
        ids.push(m.id);
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    return { ids, skipped };
  } finally {
    db.close();
  }
}

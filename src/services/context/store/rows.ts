// Rows of a partition file <-> Memory. node:sqlite gives loosely typed rows
// (column -> value); these readers check each column's type once, here.

import type { SQLOutputValue } from 'node:sqlite';
import type { Memory, Partition, Relation } from '../types.ts';

export type Row = Record<string, SQLOutputValue>;

export function num(row: Row, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`memory row: column ${column} is ${value === null ? 'null' : typeof value}, not a number`);
}

export function optNum(row: Row, column: string): number | undefined {
  return row[column] === null || row[column] === undefined ? undefined : num(row, column);
}

export function str(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`memory row: column ${column} is not text`);
  return value;
}

export function optStr(row: Row, column: string): string | undefined {
  return row[column] === null || row[column] === undefined ? undefined : str(row, column);
}

function kindOf(value: string): Memory['kind'] {
  if (value === 'fact' || value === 'note' || value === 'turn') return value;
  throw new Error(`memory row: unknown kind ${value}`);
}

/** The columns every memory query selects: the memory row and one of its versions. */
export const MEMORY_COLUMNS = `m.n, m.id, m.kind, m.key, m.text, m.importance, m.pinned, m.tags, m.relation, m.confirmed_at,
  v.valid_from, v.valid_to, v.recorded_at, v.superseded_at`;

export function memoryOf(partition: Partition, row: Row): Memory {
  const memory: Memory = {
    id: str(row, 'id'),
    partition,
    kind: kindOf(str(row, 'kind')),
    text: str(row, 'text'),
    importance: num(row, 'importance'),
    pinned: num(row, 'pinned') === 1,
    validFrom: num(row, 'valid_from'),
    recordedAt: num(row, 'recorded_at'),
  };
  const key = optStr(row, 'key');
  if (key !== undefined) memory.key = key;
  const validTo = optNum(row, 'valid_to');
  if (validTo !== undefined) memory.validTo = validTo;
  const supersededAt = optNum(row, 'superseded_at');
  if (supersededAt !== undefined) memory.supersededAt = supersededAt;
  const tags = optStr(row, 'tags');
  if (tags !== undefined) memory.tags = parseTags(tags);
  const relation = optStr(row, 'relation');
  if (relation !== undefined) memory.relation = parseRelation(relation);
  const confirmedAt = optNum(row, 'confirmed_at');
  if (confirmedAt !== undefined) memory.confirmedAt = confirmedAt;
  return memory;
}

function parseTags(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
}

function parseRelation(text: string): Relation {
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null && 'from' in value && 'relation' in value && 'to' in value
    && typeof value.from === 'string' && typeof value.relation === 'string' && typeof value.to === 'string') {
    return { from: value.from, relation: value.relation, to: value.to };
  }
  throw new Error('memory row: malformed relation');
}

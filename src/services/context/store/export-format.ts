// The export format of one partition (docs/memory.md "Export and import"):
// JSON lines. The first line is a header naming the format and its version;
// each further line is one memory with all its versions (history is part of
// what an agent knows). import-lines.ts reads it back.

import type { DatabaseSync } from 'node:sqlite';
import type { Partition } from '../types.ts';
import { num, optNum, optStr, str } from './rows.ts';

export const EXPORT_FORMAT = 'octant-memory';
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  partition: Partition;
  exportedAt: number;
  memories: number;
}

export interface ExportVersion {
  validFrom: number;
  validTo?: number;
  recordedAt: number;
  supersededAt?: number;
}

export interface ExportLine {
  id: string;
  kind: 'fact' | 'note' | 'turn';
  key?: string;
  text: string;
  importance: number;
  pinned: boolean;
  tags?: readonly string[];
  relation?: { from: string; relation: string; to: string };
  createdAt: number;
  confirmedAt?: number;
  versions: ExportVersion[];
}

export function exportPartition(db: DatabaseSync, partition: Partition, now: number): string[] {
  const versions = new Map<number, ExportVersion[]>();
  for (const row of db.prepare('SELECT n, valid_from, valid_to, recorded_at, superseded_at FROM version ORDER BY v').iterate()) {
    const v: ExportVersion = { validFrom: num(row, 'valid_from'), recordedAt: num(row, 'recorded_at') };
    const validTo = optNum(row, 'valid_to');
    if (validTo !== undefined) v.validTo = validTo;
    const supersededAt = optNum(row, 'superseded_at');
    if (supersededAt !== undefined) v.supersededAt = supersededAt;
    const list = versions.get(num(row, 'n'));
    if (list === undefined) versions.set(num(row, 'n'), [v]);
    else list.push(v);
  }
  const lines: string[] = [];
  for (const row of db.prepare('SELECT * FROM memory ORDER BY n').iterate()) {
    const kind = str(row, 'kind');
    if (kind !== 'fact' && kind !== 'note' && kind !== 'turn') continue;
    const line: ExportLine = {
      id: str(row, 'id'), kind, text: str(row, 'text'), importance: num(row, 'importance'), pinned: num(row, 'pinned') === 1,
      createdAt: num(row, 'created_at'), versions: versions.get(num(row, 'n')) ?? [],
    };
    const key = optStr(row, 'key');
    if (key !== undefined) line.key = key;
    const tags = optStr(row, 'tags');
    if (tags !== undefined) line.tags = JSON.parse(tags);
    const relation = optStr(row, 'relation');
    if (relation !== undefined) line.relation = JSON.parse(relation);
    const confirmedAt = optNum(row, 'confirmed_at');
    if (confirmedAt !== undefined) line.confirmedAt = confirmedAt;
    lines.push(JSON.stringify(line));
  }
  return [JSON.stringify({ ...emptyHeader(partition, now), memories: lines.length }), ...lines];
}

export function emptyHeader(partition: Partition, now: number): ExportHeader {
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, partition, exportedAt: now, memories: 0 };
}

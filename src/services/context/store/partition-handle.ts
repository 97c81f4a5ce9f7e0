// One open partition: its file (T1 and T2) and its T0, and the reads that
// go through T0 first. The store keeps one handle per partition in use.

import { statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import type { Memory, Partition, PartitionStats, PutInput } from '../types.ts';
import { DurablePartition } from './durable-tier.ts';
import { HotTier } from './hot-tier.ts';
import { num, str } from './rows.ts';
import type { Analyzer } from '../../../lib/text/analyzer.ts';
import { checkpointTruncate, openPartitionFile, textTerms, type Durability, type TextTerms } from './schema.ts';
import { TextTier } from './text-tier.ts';

/** Pinned and still holding at `now` (a pinned fact whose validity closed leaves the context). */
function pinnedNow(memory: Memory, now: number): boolean {
  return memory.pinned && memory.supersededAt === undefined && (memory.validTo === undefined || memory.validTo > now);
}

export interface PartitionSettings {
  durability: Durability;
  /** T2's language for a new partition (lib/text/languages.ts); an existing one keeps its own. */
  lang: string;
  hotCapacity: number;
  postingsBudget?: number;
}

export class PartitionHandle {
  readonly partition: Partition;
  readonly file: string;
  readonly db: DatabaseSync;
  readonly t0: HotTier;
  readonly t1: DurablePartition;
  readonly t2: TextTier;
  /** T2's analyzer for this file (its language is the file's). */
  readonly analyzer: Analyzer;
  /** The last transaction time written: never goes back, even if the clock does. */
  #lastTx = 0;

  constructor(partition: Partition, file: string, settings: PartitionSettings, now: number) {
    this.partition = partition;
    this.file = file;
    const opened = openPartitionFile(file, settings.durability, settings.lang);
    this.db = opened.db;
    this.analyzer = opened.analyzer;
    this.t1 = new DurablePartition(partition, this.db);
    this.t2 = new TextTier(this.t1, opened.analyzer, settings.postingsBudget);
    this.t0 = new HotTier(settings.hotCapacity, this.t1.pinned().filter((m) => pinnedNow(m, now)));
    const last = this.db.prepare('SELECT max(coalesce(superseded_at, recorded_at)) AS t FROM version').get();
    this.#lastTx = last === undefined || last.t === null ? 0 : num(last, 't');
  }

  /** What T2 indexes of a memory written now. */
  terms(input: PutInput): TextTerms {
    return textTerms(this.analyzer, input.text, input.key, input.tags);
  }

  tick(now: number): number {
    this.#lastTx = Math.max(this.#lastTx, now);
    return this.#lastTx;
  }

  /** T0, else T1 (then cached in T0). */
  read(id: string, now: number): Memory | undefined {
    const hot = this.t0.get(id);
    if (hot !== undefined) return hot;
    const memory = this.t1.get(id, now);
    return memory === undefined ? undefined : this.t0.set(memory);
  }

  current(key: string, now: number): Memory | undefined {
    const hot = this.t0.current(key);
    if (hot !== undefined && hot.validFrom <= now) return hot;
    const memory = this.t1.asOf(key, now, now);
    if (memory !== undefined) this.t0.setCurrent(key, memory);
    return memory;
  }

  /** After another connection wrote the file (an import worker): T0 starts again from T1. */
  reload(now: number): void {
    this.t0.clear(this.t1.pinned().filter((m) => pinnedNow(m, now)));
  }

  /** After a forget: no page image holding the forgotten text stays in the WAL. */
  purge(): boolean {
    return checkpointTruncate(this.db);
  }

  stats(): PartitionStats {
    const byKind: PartitionStats['byKind'] = { fact: 0, note: 0, turn: 0 };
    for (const row of this.db.prepare('SELECT kind, count(*) AS c FROM memory GROUP BY kind').all()) {
      const kind = str(row, 'kind');
      if (kind === 'fact' || kind === 'note' || kind === 'turn') byKind[kind] = num(row, 'c');
    }
    const versions = this.db.prepare('SELECT count(*) AS c FROM version').get();
    let bytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        bytes += statSync(this.file + suffix).size;
      } catch {
        // no WAL right after a truncating checkpoint
      }
    }
    return {
      partition: this.partition, memories: byKind.fact + byKind.note + byKind.turn, byKind,
      versions: versions === undefined ? 0 : num(versions, 'c'), pinned: this.t0.pinnedCount, bytes,
    };
  }

  close(): void {
    this.db.close();
  }
}

// The ledger's public types: what other services and layers may import.
// (Implementation lives beside this file; nothing else in this folder is
// imported from outside.)

import type { AuditEvent } from '../../lib/audit-event.ts';

/** What happened and what was decided (the shape lives in lib so lower layers can emit it). */
export type LedgerEvent = AuditEvent;

export interface LedgerEntry extends LedgerEvent {
  /** Global position, from 0. */
  seq: number;
  /** ISO 8601 time of the append. */
  time: string;
  /** Hex SHA-256 of the previous entry of the same partition (agent); "" for the first. */
  prev: string;
}

/** Called with every event to record; resolves once it is durable (log first, act second). */
export type LedgerAppend = (event: LedgerEvent) => Promise<LedgerEntry>;

export interface LedgerApi {
  append: LedgerAppend;
  /** Seal an agent's partition with a final entry; later appends for it are refused. */
  seal(agent: string, detail?: Record<string, unknown>): Promise<LedgerEntry>;
}

/** A published checkpoint: the signed note and what it commits to. */
export interface LedgerCheckpointInfo {
  size: number;
  /** Base64 RFC 6962 root hash of the first `size` entries. */
  rootHash: string;
  /** The C2SP signed note (tlog-checkpoint body + signature lines). */
  note: string;
}

/** Where the next entry goes: its seq and the byte offset of its record in the segment. */
export interface LedgerMark {
  seq: number;
  offset: number;
}

/** What the running ledger service offers beyond append/seal. */
export interface LedgerServiceApi extends LedgerApi {
  /** Durable entries so far. */
  size(): number;
  /**
   * Where the next append will go. Every entry appended before this call
   * (durable or still queued) lies before the mark, every later one at or
   * after it: a service that saves its state with a mark taken in the same
   * synchronous step can replay exactly what came after (forEachEntryFrom).
   */
  mark(): LedgerMark;
  /** Publish (sign and store) a checkpoint of the durable log now. */
  checkpoint(): Promise<LedgerCheckpointInfo>;
}

/** A ledger opened for append outside the service (CLI, tests); close() releases the writer lock. */
export interface OpenLedger extends LedgerServiceApi {
  close(): Promise<void>;
}

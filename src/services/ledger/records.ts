// The segment file's framing: an 8-byte magic, then records of
//   u32 BE payload length | u32 BE CRC-32 of the payload | payload
// where the payload is one entry's canonical JSON. The CRC catches torn and
// damaged records cheaply; tamper evidence comes from the hash chains and
// the Merkle tree, which cover the payload bytes.

import { crc32 } from 'node:zlib';
import { MAX_ENTRY_BYTES } from './entry.ts';

export const MAGIC = Buffer.from('OCTLDG1\n', 'latin1');
export const HEADER_BYTES = 8;
export const CRC_MISMATCH = 'record checksum mismatch';

export interface StoredRecord {
  /** Byte offset of the record's header in the file. */
  offset: number;
  payload: Buffer;
}

export interface ScanProblem {
  /** torn: an unfinished last record (crash); corrupt: damage with valid data after it. */
  kind: 'torn' | 'corrupt';
  offset: number;
  reason: string;
}

export interface ScanResult {
  records: StoredRecord[];
  /** Offset just past the last good record. */
  end: number;
  problem?: ScanProblem;
}

/** Fill in the header of a record whose payload already follows HEADER_BYTES of room. */
export function writeHeader(record: Buffer): Buffer {
  const payload = record.subarray(HEADER_BYTES);
  record.writeUInt32BE(payload.length, 0);
  record.writeUInt32BE(crc32(payload), 4);
  return record;
}

export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  payload.copy(out, HEADER_BYTES);
  return out;
}

/**
 * Walk the framed records of a segment. `buf` holds the file from byte
 * `origin` on (0: the whole file, magic included; else the tail after a
 * snapshot, which must start on a record boundary). Offsets are file offsets.
 * `checkCrc` false leaves the CRCs to the caller (a full replay checks them
 * in its hash workers, see checksumFailure()).
 */
export function scanRecords(whole: Buffer, origin = 0, checkCrc = true): ScanResult {
  const records: StoredRecord[] = [];
  // Work in file offsets over a view that starts at `origin`.
  const buf = { length: origin + whole.length };
  const at0 = origin === 0 ? MAGIC.length : origin;
  if (origin === 0 && whole.length === 0) return { records, end: 0 };
  if (origin === 0 && (whole.length < MAGIC.length || !whole.subarray(0, MAGIC.length).equals(MAGIC))) {
    const torn = whole.length < MAGIC.length && MAGIC.subarray(0, whole.length).equals(whole);
    return { records, end: 0, problem: { kind: torn ? 'torn' : 'corrupt', offset: 0, reason: torn ? 'unfinished file header' : 'not a ledger segment (bad magic)' } };
  }
  const allZero = (from: number): boolean => {
    for (let i = from - origin; i < whole.length; i++) if (whole[i] !== 0) return false;
    return true;
  };
  let at = at0;
  while (at < buf.length) {
    const problem = (reason: string, recordEnd?: number): ScanResult => {
      // A crash can only damage the end of the file: a bad record that runs
      // to the end, or zero fill after it, is a torn tail; anything followed
      // by more data is corruption.
      const torn = (recordEnd !== undefined && recordEnd >= buf.length) || allZero(at);
      return { records, end: at, problem: { kind: torn ? 'torn' : 'corrupt', offset: at, reason } };
    };
    if (buf.length - at < HEADER_BYTES) return problem('unfinished record header', buf.length);
    const length = whole.readUInt32BE(at - origin);
    // A garbage length says nothing about where the record ends: torn only
    // when nothing but zero fill follows.
    if (length === 0 || length > MAX_ENTRY_BYTES) return problem(`record length ${length} is out of range`);
    const end = at + HEADER_BYTES + length;
    if (end > buf.length) return problem(`record of ${length} bytes runs past the end of the file`, end);
    const payload = whole.subarray(at - origin + HEADER_BYTES, end - origin);
    if (checkCrc && crc32(payload) !== whole.readUInt32BE(at - origin + 4)) return problem(CRC_MISMATCH, end);
    records.push({ offset: at, payload });
    at = end;
  }
  return { records, end: at };
}

/**
 * The scan scanRecords(..., checkCrc = true) would have returned, given the
 * index of the first record whose CRC does not match (found later).
 */
export function checksumFailure(scan: ScanResult, index: number, fileSize: number): ScanResult {
  const bad = scan.records[index]!;
  // As in scanRecords: a bad record that runs to the end of the file is a torn tail.
  const torn = bad.offset + HEADER_BYTES + bad.payload.length >= fileSize;
  return { records: scan.records.slice(0, index), end: bad.offset, problem: { kind: torn ? 'torn' : 'corrupt', offset: bad.offset, reason: CRC_MISMATCH } };
}

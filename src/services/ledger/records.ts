// The segment file's framing: an 8-byte magic, then records of
//   u32 BE payload length | u32 BE CRC-32 of the payload | payload
// where the payload is one entry's canonical JSON. The CRC catches torn and
// damaged records cheaply; tamper evidence comes from the hash chains and
// the Merkle tree, which cover the payload bytes.

import { crc32 } from 'node:zlib';
import { MAX_ENTRY_BYTES } from './entry.ts';

export const MAGIC = Buffer.from('OCTLDG1\n', 'latin1');
export const HEADER_BYTES = 8;

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

export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  payload.copy(out, HEADER_BYTES);
  return out;
}

function allZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Walk the framed records of a whole segment file. */
export function scanRecords(buf: Buffer): ScanResult {
  const records: StoredRecord[] = [];
  if (buf.length === 0) return { records, end: 0 };
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    const torn = buf.length < MAGIC.length && MAGIC.subarray(0, buf.length).equals(buf);
    return { records, end: 0, problem: { kind: torn ? 'torn' : 'corrupt', offset: 0, reason: torn ? 'unfinished file header' : 'not a ledger segment (bad magic)' } };
  }
  let at = MAGIC.length;
  while (at < buf.length) {
    const problem = (reason: string, recordEnd?: number): ScanResult => {
      // A crash can only damage the end of the file: a bad record that runs
      // to the end, or zero fill after it, is a torn tail; anything followed
      // by more data is corruption.
      const torn = (recordEnd !== undefined && recordEnd >= buf.length) || allZero(buf, at);
      return { records, end: at, problem: { kind: torn ? 'torn' : 'corrupt', offset: at, reason } };
    };
    if (buf.length - at < HEADER_BYTES) return problem('unfinished record header', buf.length);
    const length = buf.readUInt32BE(at);
    // A garbage length says nothing about where the record ends: torn only
    // when nothing but zero fill follows.
    if (length === 0 || length > MAX_ENTRY_BYTES) return problem(`record length ${length} is out of range`);
    const end = at + HEADER_BYTES + length;
    if (end > buf.length) return problem(`record of ${length} bytes runs past the end of the file`, end);
    const payload = buf.subarray(at + HEADER_BYTES, end);
    if (crc32(payload) !== buf.readUInt32BE(at + 4)) return problem('record checksum mismatch', end);
    records.push({ offset: at, payload });
    at = end;
  }
  return { records, end: at };
}

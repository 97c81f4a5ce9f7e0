// The disk's floor under the ledger: how long one small append + fdatasync
// takes on the disk a state root lives on (/var/tmp, not a tmpfs). Every
// routed LLM call waits for one such flush before it is sent (log first, act
// second), so no router can add less than this on this machine.
// Usage: node bench/fsync-latency.ts [count] [dir]
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const count = Number(process.argv[2] ?? '400');
const dir = mkdtempSync(join(process.argv[3] ?? '/var/tmp', 'octant-fsync-'));
const record = Buffer.alloc(600, 0x61); // about one ledger entry with its frame
const fd = openSync(join(dir, 'segment'), 'w');
const lat: number[] = [];
try {
  for (let i = 0, position = 0; i < count; i++, position += record.length) {
    const start = performance.now();
    writeSync(fd, record, 0, record.length, position);
    fdatasyncSync(fd);
    lat.push(performance.now() - start);
  }
} finally {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}
lat.sort((a, b) => a - b);
const pct = (p: number): string => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!.toFixed(3);
console.log(`append ${record.length} B + fdatasync, ${count} times in ${dir}: p50 ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms`);

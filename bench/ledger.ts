// Ledger benchmark: durable appends per second (each append resolves only
// after its group's fdatasync) with 1, 8 and 64 concurrent appenders, then
// verification speed (frames, seqs, chains, leaf hashes, Merkle root) and
// open (recovery scan) time. Run: node bench/ledger.ts [entries]
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerStore } from '../src/services/ledger/store.ts';
import { verifyLedgerDir } from '../src/services/ledger/verify.ts';
import { SNAPSHOT_FILE } from '../src/services/ledger/snapshot.ts';

const total = Number(process.argv[2] ?? '20000');
const dir = mkdtempSync(join(tmpdir(), 'octant-bench-ledger-'));
const event = (i: number) => ({ agent: `aid-${i % 16}`, lineage: ['root-aid'], kind: 'action', action: 'fs.read', target: `/work/file-${i}`, decision: 'allow', detail: { bytes: i * 7, ms: 3 } });

async function durable(concurrency: number, count: number): Promise<number> {
  const store = await LedgerStore.open(dir);
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await store.append(event(next++));
  }));
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  return count / seconds;
}

try {
  const rates: Record<string, number> = {};
  for (const c of [1, 8, 64]) {
    rates[c] = await durable(c, c === 1 ? Math.min(2000, total) : total);
    console.log(`durable appends/s, ${String(c).padStart(2)} appender(s): ${Math.round(rates[c]!)}`);
  }
  console.log(`group commit gain (64 vs 1): ${(rates[64]! / rates[1]!).toFixed(1)}x; vs 2,900/s (Tessera POSIX): ${(rates[64]! / 2900).toFixed(1)}x`);
  let start = performance.now();
  const report = verifyLedgerDir(dir);
  const seconds = (performance.now() - start) / 1000;
  if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.problem)}`);
  console.log(`verify: ${report.entries} entries in ${seconds.toFixed(3)} s = ${Math.round(report.entries / seconds)} entries/s (goal 500,000: ${((report.entries / seconds) / 500_000).toFixed(2)}x)`);
  start = performance.now();
  const store = await LedgerStore.open(dir);
  console.log(`open with a snapshot (${store.size} entries): ${(performance.now() - start).toFixed(1)} ms`);
  await store.close();
  unlinkSync(join(dir, SNAPSHOT_FILE));
  start = performance.now();
  const full = await LedgerStore.open(dir);
  console.log(`open without a snapshot (full replay of ${full.size} entries): ${(performance.now() - start).toFixed(1)} ms`);
  await full.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

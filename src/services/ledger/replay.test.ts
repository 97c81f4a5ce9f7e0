import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerStore } from './store.ts';
import { readLedger, SEGMENT_FILE } from './read.ts';
import { MAGIC, frame } from './records.ts';

const N = 200;
// minChunk 16 with 2 workers: chunks of 32 entries, worker 1 takes seqs 0-127, worker 2 seqs 128-199.
const PARALLEL = { workers: 2, minChunk: 16 };

async function ledger(t: { after(fn: () => void): void }): Promise<{ dir: string; payloads: Buffer[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'octant-ledger-replay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await LedgerStore.open(dir);
  await Promise.all(Array.from({ length: N }, (_, i) => store.append({ agent: `aid-${i % 5}`, lineage: [], kind: 'action', action: `op${i}`, target: `/t/${i}`, decision: 'allow', detail: { i } })));
  await store.seal('aid-4');
  await store.close();
  return { dir, payloads: readLedger(dir).scan.records.map((r) => Buffer.from(r.payload)) };
}

function rewrite(dir: string, payloads: Buffer[]): void {
  writeFileSync(join(dir, SEGMENT_FILE), Buffer.concat([MAGIC, ...payloads.map((p) => frame(p))]));
}

/** The parallel replay, the single-thread replay and the entry-by-entry replay must agree exactly. */
function agree(dir: string) {
  const parallel = readLedger(dir, PARALLEL).replay;
  const single = readLedger(dir, { workers: 0 }).replay;
  const stepwise = readLedger(dir, { keepEntries: true }).replay;
  for (const other of [single, stepwise]) {
    assert.deepEqual(parallel.problem, other.problem);
    assert.equal(parallel.tree.size, other.tree.size);
    assert.deepEqual(parallel.tree.root(), other.tree.root());
    assert.deepEqual([...parallel.partitions], [...other.partitions]);
  }
  return parallel;
}

test('a replay hashed in worker threads equals the single-thread and entry-by-entry replays', async (t) => {
  const { dir } = await ledger(t);
  const r = agree(dir);
  assert.equal(r.problem, undefined);
  assert.equal(r.tree.size, N + 1);
  assert.equal(r.partitions.get('aid-4')!.sealed, true);
  assert.equal(r.partitions.get('aid-0')!.count, 40);
});

test('tampering inside the second worker\'s chunk is found and named by position', async (t) => {
  const { dir, payloads } = await ledger(t);
  const next = (seq: number) => payloads.findIndex((p, i) => i > seq && JSON.parse(p.toString()).agent === JSON.parse(payloads[seq]!.toString()).agent);
  // Entry 150 rewritten with a fresh frame: its partition's chain breaks at that partition's next entry.
  rewrite(dir, payloads.map((p, i) => (i === 150 ? Buffer.from(p.toString().replace('"/t/150"', '"/t/999"')) : p)));
  let r = agree(dir);
  assert.equal(r.problem?.seq, next(150));
  assert.match(r.problem!.reason, /prev/);
  // Entry 170 deleted.
  rewrite(dir, payloads.filter((_, i) => i !== 170));
  r = agree(dir);
  assert.equal(r.problem?.seq, 170);
  assert.match(r.problem!.reason, /seq 171 at position 170/);
  // A record that is not an entry, at 190.
  rewrite(dir, payloads.map((p, i) => (i === 190 ? Buffer.from('{"not":"an entry"}') : p)));
  r = agree(dir);
  assert.equal(r.problem?.seq, 190);
  assert.match(r.problem!.reason, /not a ledger entry/);
  // An entry for aid-4 after its seal (the seal is the last entry, so append a forged one).
  const sealEntry = JSON.parse(payloads[N]!.toString()) as Record<string, unknown>;
  const afterSeal = Buffer.from(JSON.stringify({ ...sealEntry, seq: N + 1 }));
  rewrite(dir, [...payloads, afterSeal]);
  r = agree(dir);
  assert.equal(r.problem?.seq, N + 1);
  assert.match(r.problem!.reason, /after its partition was sealed/);
  // A chain break (seq 150) before a seq break (seq 170): the earlier one is named.
  rewrite(dir, payloads.filter((_, i) => i !== 170).map((p, i) => (i === 150 ? Buffer.from(p.toString().replace('"/t/150"', '"/t/999"')) : p)));
  r = agree(dir);
  assert.equal(r.problem?.seq, Math.min(next(150), 170));
  // A flipped byte in entry 160 (CRC checked by the worker), and in the last record (a torn tail).
  for (const [at, kind] of [[160, 'corrupt'], [N, 'torn']] as const) {
    const damaged = Buffer.concat([MAGIC, ...payloads.map((p) => frame(p))]);
    rewrite(dir, payloads);
    const offset = readLedger(dir).scan.records[at]!.offset;
    damaged[offset + 20]! ^= 0x01;
    writeFileSync(join(dir, SEGMENT_FILE), damaged);
    const parallel = readLedger(dir, PARALLEL);
    const stepwise = readLedger(dir, { keepEntries: true });
    assert.deepEqual(parallel.scan.problem, { kind, offset, reason: 'record checksum mismatch' });
    assert.deepEqual(parallel.scan.problem, stepwise.scan.problem);
    assert.equal(parallel.scan.records.length, at);
    assert.equal(parallel.scan.end, stepwise.scan.end);
    assert.equal(parallel.replay.problem, undefined);
    assert.deepEqual(parallel.replay.tree.root(), stepwise.replay.tree.root());
    assert.deepEqual([...parallel.replay.partitions], [...stepwise.replay.partitions]);
  }
  // Positive twin: the original bytes replay clean again.
  rewrite(dir, payloads);
  assert.equal(agree(dir).problem, undefined);
});

test('more partitions than the first table holds, and a partition whose first entry is the bad one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-ledger-replay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await LedgerStore.open(dir);
  // 100 agents (the partition table starts at 64 and grows), then each again.
  for (let i = 0; i < 200; i++) await store.append({ agent: `aid-${i % 100}`, lineage: [], kind: 'action', action: 'op', target: `/t/${i}`, decision: 'allow', detail: {} });
  await store.close();
  const payloads = readLedger(dir).scan.records.map((r) => Buffer.from(r.payload));
  // Positive twin: all 100 partitions, two entries each.
  let r = agree(dir);
  assert.equal(r.problem, undefined);
  assert.equal(r.partitions.size, 100);
  assert.equal(r.partitions.get('aid-99')!.count, 2);
  // The first entry of aid-90 claims a previous entry: named at seq 90, and
  // aid-90 (first seen there) is not among the partitions replayed before it.
  rewrite(dir, payloads.map((p, i) => (i === 90 ? Buffer.from(p.toString().replace('"prev":""', `"prev":"${'0'.repeat(64)}"`)) : p)));
  r = agree(dir);
  assert.equal(r.problem?.seq, 90);
  assert.match(r.problem!.reason, /prev 0000000000000000 does not match the previous entry of partition aid-90/);
  assert.equal(r.partitions.size, 90);
  assert.equal(r.partitions.has('aid-90'), false);
});

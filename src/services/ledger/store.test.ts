import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, truncateSync, writeFileSync, appendFileSync, unlinkSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { SNAPSHOT_FILE } from './snapshot.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, sign } from 'node:crypto';
import { rawPublicKey } from '../../lib/raw-public-key.ts';
import { LedgerStore } from './store.ts';
import { FIRST_MARK, forEachEntryFrom, readLedger, SEGMENT_FILE } from './read.ts';
import type { LedgerMark } from './types.ts';
import { MAX_ENTRY_BYTES } from './entry.ts';
import { leafHash, verifyInclusion, verifyConsistency } from './merkle.ts';
import type { LedgerEvent } from './types.ts';
import type { NoteSigner } from './note.ts';

const event = (agent: string, action = 'fs.read', detail: Record<string, unknown> = {}): LedgerEvent => ({
  agent, lineage: [], kind: 'action', action, target: '/tmp/x', decision: 'allow', detail,
});

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'octant-ledger-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function testSigner(name = 'test/ledger'): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, publicKeyRaw: rawPublicKey(publicKey), sign: (d) => sign(null, d, privateKey) };
}

test('appends chain per partition, survive reopen, and take seqs in call order', async (t) => {
  const dir = tempDir(t);
  const store = await LedgerStore.open(dir);
  const entries = await Promise.all([event('a1'), event('a2'), event('a1'), event('system')].map((e) => store.append(e)));
  assert.deepEqual(entries.map((e) => e.seq), [0, 1, 2, 3]);
  assert.equal(entries[0]!.prev, '');
  assert.equal(entries[1]!.prev, '');
  // prev is the hex RFC 6962 leaf hash of the partition's previous entry.
  const snap = readLedger(dir, { keepEntries: true });
  assert.equal(entries[2]!.prev, leafHash(snap.scan.records[0]!.payload).toString('hex'));
  assert.equal(store.size, 4);
  await store.close();
  const again = await LedgerStore.open(dir);
  const next = await again.append(event('a2'));
  assert.equal(next.seq, 4);
  assert.equal(next.prev, leafHash(snap.scan.records[1]!.payload).toString('hex'));
  await again.close();
});

test('a sealed partition refuses appends; other partitions go on', async (t) => {
  const store = await LedgerStore.open(tempDir(t));
  await store.append(event('agent-x'));
  const seal = await store.seal('agent-x', { reason: 'archived' });
  assert.equal(seal.action, 'partition.seal');
  await assert.rejects(store.append(event('agent-x')), { code: 'E_LEDGER_SEALED' });
  await assert.rejects(store.seal('agent-x'), { code: 'E_LEDGER_SEALED' });
  await assert.rejects(store.seal('system'), { code: 'E_LEDGER_EVENT' });
  assert.equal((await store.append(event('agent-y'))).seq, 2);
  await store.close();
});

test('bad events are refused naming the field; oversize entries are refused', async (t) => {
  const store = await LedgerStore.open(tempDir(t));
  await assert.rejects(store.append({ ...event('a'), kind: '' }), /kind/);
  await assert.rejects(store.append({ ...event('a'), lineage: [1] as unknown as string[] }), /lineage/);
  await assert.rejects(store.append({ ...event('a'), detail: { n: Number.NaN } }), { code: 'E_LEDGER_EVENT' });
  await assert.rejects(store.append(event('a', 'x', { blob: 'x'.repeat(MAX_ENTRY_BYTES) })), { code: 'E_LEDGER_ENTRY_TOO_LARGE' });
  assert.equal((await store.append(event('a', 'x', { blob: 'x'.repeat(1000) }))).seq, 0);
  await store.close();
});

test('a second writer is refused while the first holds the lock; a dead holder\'s lock is taken over', async (t) => {
  const dir = tempDir(t);
  const store = await LedgerStore.open(dir);
  await assert.rejects(LedgerStore.open(dir), { code: 'E_LEDGER_LOCKED' });
  await store.close();
  // A lock left by a process that no longer exists (pid beyond pid_max).
  writeFileSync(join(dir, 'ledger.lock'), '99999999\n');
  const next = await LedgerStore.open(dir);
  await next.close();
});

test('torn tail is cut, logged and recorded; acknowledged entries stay', async (t) => {
  const dir = tempDir(t);
  const store = await LedgerStore.open(dir);
  for (let i = 0; i < 5; i++) await store.append(event('a', `step ${i}`));
  await store.close();
  const file = join(dir, SEGMENT_FILE);
  const good = statSync(file).size;
  appendFileSync(file, Buffer.from([0, 0, 0, 200, 1, 2, 3, 4, 123, 34]));
  const warnings: string[] = [];
  const log = { log() {}, info() {}, warn: (msg: string) => warnings.push(msg), error() {}, child() { return log; } };
  const reopened = await LedgerStore.open(dir, { log });
  assert.equal(reopened.size, 6);
  await reopened.close();
  const snap = readLedger(dir, { keepEntries: true });
  assert.equal(snap.scan.problem, undefined);
  assert.deepEqual(snap.replay.entries.slice(0, 5).map((e) => e.action), ['step 0', 'step 1', 'step 2', 'step 3', 'step 4']);
  const recovery = snap.replay.entries[5]!;
  assert.equal(recovery.action, 'ledger.recover');
  assert.deepEqual(recovery.detail.droppedBytes, 10);
  assert.equal(recovery.detail.offset, good);
  assert.equal(warnings.length, 1);
});

test('damage before the tail refuses to open, naming seq and offset', async (t) => {
  const dir = tempDir(t);
  const store = await LedgerStore.open(dir);
  for (let i = 0; i < 4; i++) await store.append(event('a', `step ${i}`));
  await store.close();
  unlinkSync(join(dir, SNAPSHOT_FILE)); // no snapshot: open replays (and checks) everything
  const file = join(dir, SEGMENT_FILE);
  const snap = readLedger(dir);
  const buf = readFileSync(file);
  buf[snap.scan.records[1]!.offset + 20]! ^= 0x01;
  writeFileSync(file, buf);
  await assert.rejects(LedgerStore.open(dir), (e: Error & { code?: string }) => e.code === 'E_LEDGER_CORRUPT' && /seq 1/.test(e.message) && e.message.includes(`offset ${snap.scan.records[1]!.offset}`));
});

test('checkpoints: proofs verify against them; truncation below one refuses to open', async (t) => {
  const dir = tempDir(t);
  const signer = testSigner();
  const store = await LedgerStore.open(dir);
  for (let i = 0; i < 9; i++) await store.append(event(`a${i % 3}`));
  const c1 = store.publishCheckpoint(signer);
  for (let i = 0; i < 4; i++) await store.append(event('b'));
  const c2 = store.publishCheckpoint(signer);
  assert.equal(c1.size, 9);
  assert.equal(c2.size, 13);
  const snap = readLedger(dir);
  const tree = snap.replay.tree;
  assert.deepEqual(store.root(), tree.root());
  verifyInclusion(3, 13, leafHash(snap.scan.records[3]!.payload), tree.inclusionProof(3, 13), c2.root);
  verifyConsistency(9, 13, tree.consistencyProof(9, 13), c1.root, c2.root);
  await store.close();
  truncateSync(join(dir, SEGMENT_FILE), snap.scan.records[12]!.offset);
  // Caught by the snapshot (it covers 13 entries) and, without it, by the checkpoint.
  await assert.rejects(LedgerStore.open(dir), /E_LEDGER_TRUNCATED|truncated/);
  unlinkSync(join(dir, SNAPSHOT_FILE));
  await assert.rejects(LedgerStore.open(dir), (e: Error & { code?: string }) => e.code === 'E_LEDGER_TRUNCATED' && /covers 13 entries but only 12/.test(e.message));
});

/** What a kill -9 leaves: the descriptors closed by the kernel (the flock with them), no snapshot written, the lock file naming the dead writer. */
async function crash(store: LedgerStore): Promise<void> {
  const internals = store as unknown as { file: { close(): Promise<void> }; lock: { fd: number } };
  await internals.file.close();
  closeSync(internals.lock.fd);
}

test('open replays only the tail after the snapshot, and refuses damage in that tail', async (t) => {
  const dir = tempDir(t);
  const store = await LedgerStore.open(dir);
  for (let i = 0; i < 5; i++) await store.append(event('a', `step ${i}`));
  await store.close(); // writes the snapshot (5 entries)
  const file = join(dir, SEGMENT_FILE);
  // Two more entries appended by a writer that then "crashed" (no snapshot update).
  const more = await LedgerStore.open(dir);
  await more.append(event('a', 'step 5'));
  await more.append(event('b', 'step 6'));
  // simulate the crash: the process dies, so its descriptor closes with no snapshot and the lock stays behind
  await crash(more);
  const reopened = await LedgerStore.open(dir);
  // 7, and the entry saying the dead writer's lock file was taken over (it named this pid).
  assert.equal(reopened.size, 8);
  const takeover = readLedger(dir, { keepEntries: true }).replay.entries[7]!;
  assert.equal(takeover.action, 'ledger.lock-takeover');
  assert.deepEqual([takeover.detail.reason, takeover.detail.previousPid], ['own pid', process.pid]);
  assert.deepEqual(reopened.root(), readLedger(dir).replay.tree.root());
  const next = await reopened.append(event('a', 'step 7'));
  assert.equal(next.prev, leafHash(readLedger(dir).scan.records[5]!.payload).toString('hex'));
  await reopened.close();
  // Damage after the snapshot point is refused at open.
  const snap = readLedger(dir);
  unlinkSync(join(dir, SNAPSHOT_FILE));
  const second = await LedgerStore.open(dir); // full replay, then a snapshot at 9
  await second.append(event('c', 'step 8'));
  await crash(second);
  const buf = readFileSync(file);
  const last = readLedger(dir).scan.records[9]!;
  buf[last.offset + 12]! ^= 1;
  buf.writeUInt32BE(crc32(buf.subarray(last.offset + 8, last.offset + 8 + last.payload.length)), last.offset + 4);
  writeFileSync(file, buf);
  await assert.rejects(LedgerStore.open(dir), (e: Error & { code?: string }) => e.code === 'E_LEDGER_CORRUPT' && /seq 9/.test(e.message));
  assert.equal(snap.scan.records.length, 9);
});

test('appends made a few awaits apart in the same turn share one group commit', async (t) => {
  const store = await LedgerStore.open(tempDir(t));
  const before = store.commits;
  // As the router and the vault do for one call: an append, several awaits
  // of settled promises (no I/O), another append; both awaited together.
  const first = store.append(event('a1', 'route'));
  for (let i = 0; i < 20; i++) await Promise.resolve();
  const second = store.append(event('system', 'secret.inject'));
  await Promise.all([first, second]);
  assert.equal(store.commits - before, 1);
  // An append after the flush started goes in the next commit.
  await store.append(event('a1', 'complete'));
  assert.equal(store.commits - before, 2);
  await store.close();
});

test('the segment is written through an O_DSYNC descriptor: a write returns only once it is durable', async (t) => {
  const dir = tempDir(t);
  const store = await LedgerStore.open(dir);
  const segment = join(dir, SEGMENT_FILE);
  // Find the store's descriptor for the segment and read its open flags.
  const fd = readdirSync('/proc/self/fd').find((n) => {
    try {
      return readlinkSync(`/proc/self/fd/${n}`) === segment;
    } catch {
      return false;
    }
  });
  assert.ok(fd !== undefined, 'the store holds the segment open');
  const flags = Number.parseInt(/^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!, 8);
  assert.notEqual(flags & constants.O_DSYNC, 0, `flags ${flags.toString(8)}`);
  await store.close();
});

/** The entries forEachEntryFrom visits, as a list; undefined where it returns false. */
function readEntriesFrom(dir: string, mark: LedgerMark) {
  const entries: { seq: number; action: string }[] = [];
  return forEachEntryFrom(dir, mark, (e) => void entries.push(e)) ? entries : undefined;
}

test('mark and forEachEntryFrom: exactly the entries appended after the mark; a mark that does not match the segment reads nothing', async (t) => {
  const dir = tempDir(t);
  const store = await LedgerStore.open(dir);
  await store.append(event('a1', 'one'));
  const queued = store.append(event('a1', 'two')); // queued, not yet durable: still before the mark
  const mark = store.mark();
  await queued;
  await Promise.all([store.append(event('a2', 'three')), store.append(event('a1', 'four'))]);
  assert.deepEqual(readEntriesFrom(dir, mark)!.map((e) => [e.seq, e.action]), [[2, 'three'], [3, 'four']]);
  assert.deepEqual(readEntriesFrom(dir, FIRST_MARK)!.map((e) => e.action), ['one', 'two', 'three', 'four']);
  assert.deepEqual(readEntriesFrom(dir, store.mark()), [], 'nothing after the end');
  assert.deepEqual(readEntriesFrom(dir, { seq: 99, offset: 1 << 20 }), [], 'a mark past the end: its entries were lost');
  assert.equal(readEntriesFrom(dir, { seq: mark.seq + 1, offset: mark.offset }), undefined, 'another seq at that offset');
  assert.equal(readEntriesFrom(dir, { seq: mark.seq, offset: mark.offset + 3 }), undefined, 'not a record boundary');
  await store.close();
});

test('forEachEntryFrom reads a chunk at a time: records across chunk ends, early stop, an unfinished last record', async (t) => {
  const dir = tempDir(t);
  const store = await LedgerStore.open(dir);
  await Promise.all(Array.from({ length: 40 }, (_, i) => store.append(event(`a${i % 3}`, `act-${i}`, { i, pad: 'x'.repeat(i * 7) }))));
  await store.close();
  const seen: number[] = [];
  // Chunks far smaller than the segment (but larger than any record here).
  assert.equal(forEachEntryFrom(dir, FIRST_MARK, (e) => void seen.push(e.seq), 1024), true);
  assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => i));
  const firstFive: number[] = [];
  assert.equal(forEachEntryFrom(dir, FIRST_MARK, (e) => (firstFive.push(e.seq), firstFive.length < 5), 1024), true);
  assert.deepEqual(firstFive, [0, 1, 2, 3, 4]);
  // A record being written (here: cut short) at the end is left out, the rest read.
  const segment = join(dir, SEGMENT_FILE);
  truncateSync(segment, statSync(segment).size - 5);
  assert.equal(readEntriesFrom(dir, FIRST_MARK)!.length, 39);
});

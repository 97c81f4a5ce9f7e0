import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync, unlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { crc32 } from 'node:zlib';
import { main } from '../../main.ts';
import { rootLayout } from '../../runtime/paths.ts';
import { openLedger } from '../../services/ledger/index.ts';
import { readLedger, SEGMENT_FILE } from '../../services/ledger/read.ts';
import { MAGIC, frame } from '../../services/ledger/records.ts';
import type { LedgerEvent } from '../../services/ledger/types.ts';

interface Run { code: number; out: string; err: string }

async function octant(root: string, ...args: string[]): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['node', 'octant', '--root', root, ...args], { stdin: new PassThrough(), stdout, stderr, cwd: root, env: {} });
  return { code, out, err };
}

const ev = (agent: string, kind: string, action: string, detail: Record<string, unknown> = {}): LedgerEvent => ({
  agent, lineage: agent === 'system' ? [] : ['root-aid'], kind, action, target: `/work/${action}`, decision: 'allow', detail,
});

async function populated(t: { after(fn: () => void): void }, n = 12): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'octant-ledger-cli-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ledger = await openLedger(rootLayout(root));
  for (let i = 0; i < n; i++) await ledger.append(ev(['aid-a', 'aid-b', 'system'][i % 3]!, i % 2 === 0 ? 'action' : 'vault', `op${i}`, { i }));
  await ledger.close();
  return root;
}

const segment = (root: string): string => join(rootLayout(root).state, 'ledger', SEGMENT_FILE);

/** Rewrite the segment from a list of payloads (valid frames, so only the chain can tell). */
function rewrite(root: string, payloads: Buffer[]): void {
  writeFileSync(segment(root), Buffer.concat([MAGIC, ...payloads.map((p) => frame(p))]));
}

function payloads(root: string): Buffer[] {
  return readLedger(join(rootLayout(root).state, 'ledger')).scan.records.map((r) => Buffer.from(r.payload));
}

test('show, tail and grep filter by agent, kind and time', async (t) => {
  const root = await populated(t);
  const all = await octant(root, 'ledger', 'show', '--json');
  assert.equal(all.code, 0, all.err);
  assert.equal(all.out.trim().split('\n').length, 12);
  const a = await octant(root, 'ledger', 'show', '--agent', 'aid-a', '--kind', 'action', '--json');
  const rows = a.out.trim().split('\n').map((l) => JSON.parse(l) as { agent: string; kind: string; seq: number });
  assert.deepEqual(rows.map((r) => r.seq), [0, 6]);
  const tail = await octant(root, 'ledger', 'tail', '-n', '2');
  assert.match(tail.out, /^10 .*op10[\s\S]*\n11 .*op11/);
  assert.equal((await octant(root, 'ledger', 'show', '--since', '1h', '--json')).out.trim().split('\n').length, 12);
  assert.equal((await octant(root, 'ledger', 'show', '--until', '2000-01-01T00:00:00Z')).out, '');
  const grep = await octant(root, 'ledger', 'grep', 'op1[01]', '--json');
  assert.deepEqual(grep.out.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq), [10, 11]);
  assert.equal((await octant(root, 'ledger', 'grep', 'no-such-thing')).code, 1);
  const bad = await octant(root, 'ledger', 'show', '--since', 'yesterday-ish');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--since/);
  assert.equal((await octant(root, 'ledger', 'frobnicate')).code, 2);
});

test('verify passes an intact ledger and a single partition', async (t) => {
  const root = await populated(t);
  assert.equal((await octant(root, 'ledger', 'checkpoint')).code, 0);
  const ok = await octant(root, 'ledger', 'verify');
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /^ok: .*12 entries, 3 partitions, 1 checkpoint/);
  const part = await octant(root, 'ledger', 'verify', '--agent', 'aid-b', '--json');
  assert.equal(part.code, 0);
  assert.equal((JSON.parse(part.out) as { agentEntries: number }).agentEntries, 4);
});

test('verify names the first bad position of a flipped byte, deletion, insertion, reordering', async (t) => {
  const root = await populated(t);
  const original = payloads(root);
  const offsets = readLedger(join(rootLayout(root).state, 'ledger')).scan.records.map((r) => r.offset);
  const expectBad = async (seq: number, why: RegExp): Promise<void> => {
    const r = await octant(root, 'ledger', 'verify', '--json');
    assert.equal(r.code, 1, r.out);
    const report = JSON.parse(r.out) as { ok: boolean; problem: { seq: number; offset: number; reason: string } };
    assert.equal(report.problem.seq, seq, r.out);
    assert.equal(report.problem.offset, offsets[seq], r.out);
    assert.match(report.problem.reason, why);
  };
  // Flipped byte inside entry 4: the frame checksum catches it.
  const buf = readFileSync(segment(root));
  buf[offsets[4]! + 30]! ^= 0x20;
  writeFileSync(segment(root), buf);
  await expectBad(4, /checksum/);
  // Entry 4 deleted.
  rewrite(root, original.filter((_, i) => i !== 4));
  await expectBad(4, /seq 5 at position 4/);
  // A copy of entry 2 inserted after entry 3.
  rewrite(root, [...original.slice(0, 4), original[2]!, ...original.slice(4)]);
  await expectBad(4, /seq 2 at position 4/);
  // Entries 5 and 6 swapped.
  rewrite(root, [...original.slice(0, 5), original[6]!, original[5]!, ...original.slice(7)]);
  await expectBad(5, /seq 6 at position 5/);
  // Entry 4 rewritten with a fresh checksum and seq kept: the partition chain breaks at the next entry of aid-b (seq 7).
  const forged = Buffer.from(original[4]!.toString().replace('"op4"', '"op9"'));
  rewrite(root, [...original.slice(0, 4), forged, ...original.slice(5)]);
  await expectBad(7, /prev/);
  // Positive twin: the original bytes verify again.
  rewrite(root, original);
  assert.equal((await octant(root, 'ledger', 'verify')).code, 0);
  assert.ok(crc32(original[0]!) >= 0);
});

test('verify catches a rewritten tail entry and a truncation below a published checkpoint', async (t) => {
  const root = await populated(t);
  assert.equal((await octant(root, 'ledger', 'checkpoint')).code, 0);
  const original = payloads(root);
  // Last entry of its partition rewritten with a valid frame: only the checkpoint root can tell.
  const forged = Buffer.from(original[11]!.toString().replace('"op11"', '"opXX"'));
  rewrite(root, [...original.slice(0, 11), forged]);
  let r = await octant(root, 'ledger', 'verify');
  assert.equal(r.code, 1);
  assert.match(r.out, /rewritten/);
  // Truncated to 8 entries at a record boundary (no torn tail to give it away).
  rewrite(root, original.slice(0, 8));
  r = await octant(root, 'ledger', 'verify', '--json');
  assert.equal(r.code, 1);
  const report = JSON.parse(r.out) as { problem: { seq: number; reason: string } };
  assert.match(report.problem.reason, /truncated: .* covers 12 entries but only 8/);
  assert.equal(report.problem.seq, 0);
  // A torn tail is reported too (not silently accepted).
  rewrite(root, original);
  truncateSync(segment(root), readFileSync(segment(root)).length - 3);
  r = await octant(root, 'ledger', 'verify');
  assert.equal(r.code, 1);
  assert.match(r.out, /seq 11, byte offset \d+: torn tail/);
});

test('proof SEQ verifies against the latest checkpoint; uncovered seqs are refused', async (t) => {
  const root = await populated(t);
  const before = await octant(root, 'ledger', 'proof', '3');
  assert.equal(before.code, 1);
  assert.match(before.err, /E_LEDGER_NOT_CHECKPOINTED/);
  const cp = await octant(root, 'ledger', 'checkpoint', '--json');
  const note = (JSON.parse(cp.out) as { note: string }).note;
  assert.match(note, /^octant\/[0-9a-f]{16}\/ledger\n12\n[A-Za-z0-9+/]{43}=\n\n\u2014 octant\/[0-9a-f]{16}\/ledger [A-Za-z0-9+/]+={0,2}\n$/);
  const proof = await octant(root, 'ledger', 'proof', '3', '--json');
  assert.equal(proof.code, 0, proof.err);
  const p = JSON.parse(proof.out) as { treeSize: number; proof: string[] };
  assert.equal(p.treeSize, 12);
  assert.equal(p.proof.length, 4);
  assert.equal((await octant(root, 'ledger', 'proof', '12')).code, 1);
  assert.equal((await octant(root, 'ledger', 'proof', 'x')).code, 2);
});

test('export verifies offline; a tampered export or a wrong key is refused', async (t) => {
  const root = await populated(t);
  const out = join(root, 'export.jsonl');
  assert.equal((await octant(root, 'ledger', 'export', '--out', out)).code, 0);
  const key = (JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as { key: string }).key;
  const ok = await octant(root, 'ledger', 'verify', '--file', out, '--key', key);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /ok: .*12 entries/);
  const unpinned = await octant(root, 'ledger', 'verify', '--file', out);
  assert.equal(unpinned.code, 0);
  assert.match(unpinned.err, /pin it with --key/);
  // One agent's partition alone also verifies, chain included.
  const partial = join(root, 'a.jsonl');
  assert.equal((await octant(root, 'ledger', 'export', '--agent', 'aid-a', '--out', partial)).code, 0);
  assert.equal((await octant(root, 'ledger', 'verify', '--file', partial, '--key', key)).code, 0);
  // Tampered entry.
  const lines = readFileSync(out, 'utf8').split('\n');
  writeFileSync(out, lines.map((l, i) => (i === 5 ? l.replace('"op4"', '"op5"') : l)).join('\n'));
  const bad = await octant(root, 'ledger', 'verify', '--file', out, '--key', key);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /seq 4, line 6: entry is not in the checkpointed log/);
  // A dropped entry in a complete export breaks the chain.
  writeFileSync(out, lines.filter((_, i) => i !== 2).join('\n'));
  assert.match((await octant(root, 'ledger', 'verify', '--file', out, '--key', key)).out, /prev does not match/);
  // Another key.
  const other = await populated(t, 1);
  await octant(other, 'ledger', 'checkpoint');
  const otherKey = (JSON.parse((await octant(other, 'ledger', 'export')).out.split('\n')[0]!) as { key: string }).key;
  writeFileSync(out, lines.join('\n'));
  const wrongKey = await octant(root, 'ledger', 'verify', '--file', out, '--key', otherKey);
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.out, /no signature by key/);
});

test('witness countersigns consistent growth and refuses rollback and forks', async (t) => {
  const root = await populated(t, 6);
  const wdir = join(root, 'witness-state');
  const witness = (): Promise<Run> => octant(root, 'ledger', 'witness', '--witness-dir', wdir, '--name', 'w1', '--json');
  assert.equal((await witness()).code, 1); // nothing published yet
  await octant(root, 'ledger', 'checkpoint');
  const first = await witness();
  assert.equal(first.code, 0, first.err);
  assert.equal((JSON.parse(first.out) as { note: string }).note.split('\u2014 ').length, 3);
  const ledger = await openLedger(rootLayout(root));
  for (let i = 0; i < 5; i++) await ledger.append(ev('aid-c', 'action', `more${i}`));
  await ledger.close();
  await octant(root, 'ledger', 'checkpoint');
  const second = await witness();
  assert.equal(second.code, 0, second.err);
  assert.equal((JSON.parse(second.out) as { from: number; size: number }).from, 6);
  assert.equal((await octant(root, 'ledger', 'verify')).code, 0); // cosigned notes still verify
  // Rollback: the log is cut back to 6 entries and its checkpoints removed, then republished.
  const original = payloads(root);
  const cpDir = join(rootLayout(root).state, 'ledger', 'checkpoints');
  const saved = readdirSync(cpDir).map((n) => [n, readFileSync(join(cpDir, n))] as const);
  rewrite(root, original.slice(0, 6));
  for (const [n] of saved) unlinkSync(join(cpDir, n));
  unlinkSync(join(rootLayout(root).state, 'ledger', 'ledger.state')); // the writer's snapshot would refuse the rollback too
  for (let i = 0; i < 2; i++) await octant(root, 'ledger', 'checkpoint');
  const rollback = await witness();
  assert.equal(rollback.code, 4);
  assert.match(rollback.err, /E_WITNESS_ROLLBACK/);
  // Fork: same size (11) but a different history.
  const ledger2 = await openLedger(rootLayout(root));
  for (let i = 0; i < 5; i++) await ledger2.append(ev('aid-d', 'action', `other${i}`));
  await ledger2.close();
  await octant(root, 'ledger', 'checkpoint');
  const fork = await witness();
  assert.equal(fork.code, 4);
  assert.match(fork.err, /E_WITNESS_FORK/);
  // Fork that also grew: the consistency proof from 11 fails.
  const ledger3 = await openLedger(rootLayout(root));
  await ledger3.append(ev('aid-d', 'action', 'grow'));
  await ledger3.close();
  await octant(root, 'ledger', 'checkpoint');
  const grown = await witness();
  assert.equal(grown.code, 4);
  assert.match(grown.err, /E_WITNESS_INCONSISTENT/);
});

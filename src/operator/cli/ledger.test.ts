import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync, unlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { rootLayout } from '../../runtime/paths.ts';
import { openLedger, readLedger } from '../../services/ledger/api.ts';
import { rewriteSegment, segmentPath, segmentPayloads } from '../../services/ledger/testing/tamper.ts';
import type { LedgerEvent } from '../../services/ledger/api.ts';
import { octantCli, type CliRun } from '../../../test/support/octant-cli.ts';

type Run = CliRun;

const octant = octantCli;

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

const segment = (root: string): string => segmentPath(rootLayout(root));

/** Rewrite the segment from a list of payloads (valid frames, so only the chain can tell). */
function rewrite(root: string, payloads: Buffer[]): void {
  rewriteSegment(rootLayout(root), payloads);
}

function payloads(root: string): Buffer[] {
  return segmentPayloads(rootLayout(root));
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
  // The key `verify --key` takes is what `identity --verifier-key` prints.
  const printed = await octant(root, 'identity', '--verifier-key');
  assert.equal(printed.code, 0, printed.err);
  assert.equal(printed.out, `${key}\n`);
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
  // A dropped entry in a complete export of the whole log is a gap.
  writeFileSync(out, lines.filter((_, i) => i !== 2).join('\n'));
  assert.match((await octant(root, 'ledger', 'verify', '--file', out, '--key', key)).out, /seq 1 is missing from an export of the whole log/);
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

/** An export as lines (header parsed) and a way to write it back. */
function readExport(file: string): { header: Record<string, unknown>; lines: string[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  return { header: JSON.parse(lines[0]!) as Record<string, unknown>, lines };
}

test('a truncated export is refused, seal included, whole log or one partition; the untouched export verifies', async (t) => {
  const root = await populated(t);
  const ledger = await openLedger(rootLayout(root));
  await ledger.seal('aid-a', { reason: 'ended' });
  await ledger.close();
  const key = (await octant(root, 'identity', '--verifier-key')).out.trim();
  const verify = (file: string): Promise<Run> => octant(root, 'ledger', 'verify', '--file', file, '--key', key);
  for (const [name, args, count] of [['all', [], 13], ['aid-a', ['--agent', 'aid-a'], 5], ['filtered', ['--kind', 'action'], 6]] as const) {
    const file = join(root, `${name}.jsonl`);
    assert.equal((await octant(root, 'ledger', 'export', ...args, '--out', file)).code, 0);
    const { lines } = readExport(file);
    assert.equal(lines.length, count + 1, name);
    // Working twin: the export as written verifies, authenticity included.
    const ok = await verify(file);
    assert.equal(ok.code, 0, `${name}: ${ok.out}${ok.err}`);
    assert.match(ok.out, new RegExp(`^ok: .*: ${count} entries`));
    // The last entry (for the whole log and for aid-a: the seal) cut off.
    writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
    const cut = await verify(file);
    assert.equal(cut.code, 1, name);
    assert.match(cut.out, new RegExp(`truncated or padded: the signed claim lists ${count} entries, the file holds ${count - 1}`), name);
    // The last two cut off, header only, and a line removed from the middle: all refused.
    for (const kept of [lines.slice(0, -2), lines.slice(0, 1), [...lines.slice(0, 2), ...lines.slice(3)]]) {
      writeFileSync(file, `${kept.join('\n')}\n`);
      assert.equal((await verify(file)).code, 1, `${name}: ${kept.length} lines`);
    }
  }
  // The seal really was the last line of aid-a's export.
  assert.match(readExport(join(root, 'aid-a.jsonl')).lines.at(-1)!, /partition\.seal/);
});

test('a flipped complete flag or an edited claim is refused', async (t) => {
  const root = await populated(t);
  const key = (await octant(root, 'identity', '--verifier-key')).out.trim();
  const file = join(root, 'x.jsonl');
  const check = async (args: string[], edit: (header: Record<string, unknown>) => void, pattern: RegExp): Promise<void> => {
    assert.equal((await octant(root, 'ledger', 'export', ...args, '--out', file)).code, 0);
    const { header, lines } = readExport(file);
    edit(header);
    writeFileSync(file, [JSON.stringify(header), ...lines.slice(1)].join('\n'));
    const r = await octant(root, 'ledger', 'verify', '--file', file, '--key', key);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, pattern);
  };
  // A filtered export claiming completeness, and a complete one that says it is not (to skip the chain checks).
  await check(['--kind', 'action'], (h) => (h.complete = true), /"complete": true contradicts the signed claim \(a filtered selection\)/);
  await check([], (h) => (h.complete = false), /"complete": false contradicts the signed claim \(the whole log\)/);
  await check([], (h) => delete h.complete, /contradicts the signed claim/);
  // The claim itself edited (fewer entries), or dropped: the signature or its absence says so.
  await check([], (h) => (h.claim = String(h.claim).replace('entries 12', 'entries 10')), /signature by .* does not verify/);
  await check([], (h) => delete h.claim, /no signed export claim/);
  // A claim taken from another export of the same log (a partition's) does not fit this file.
  assert.equal((await octant(root, 'ledger', 'export', '--agent', 'aid-b', '--out', file)).code, 0);
  const partClaim = readExport(file).header.claim;
  await check([], (h) => (h.claim = partClaim), /entry of aid-a in an export of partition aid-b/);
});

test('a forgery re-signed with another key passes no check that matters: refused with --key, exit 4 without, accepted only with --no-key', async (t) => {
  const root = await populated(t);
  const key = (await octant(root, 'identity', '--verifier-key')).out.trim();
  // The forger: a ledger of their own (another machine key) with an entry that differs, exported and signed by them.
  const forger = mkdtempSync(join(tmpdir(), 'octant-ledger-forger-'));
  t.after(() => rmSync(forger, { recursive: true, force: true }));
  const forged = await openLedger(rootLayout(forger));
  for (let i = 0; i < 12; i++) await forged.append(ev(['aid-a', 'aid-b', 'system'][i % 3]!, i % 2 === 0 ? 'action' : 'vault', i === 4 ? 'harmless' : `op${i}`, { i }));
  await forged.close();
  const file = join(root, 'forged.jsonl');
  assert.equal((await octant(forger, 'ledger', 'export', '--out', file)).code, 0);
  // Pinned to the real key: refused.
  const pinned = await octant(root, 'ledger', 'verify', '--file', file, '--key', key);
  assert.equal(pinned.code, 1);
  assert.match(pinned.out, /FAILED: .*no signature by key/);
  // Without a key: intact, but NOT authenticated, and not a success.
  const unpinned = await octant(root, 'ledger', 'verify', '--file', file);
  assert.equal(unpinned.code, 4, unpinned.out + unpinned.err);
  assert.match(unpinned.out, /^intact, NOT authenticated: /);
  assert.match(unpinned.err, /authenticity NOT checked/);
  assert.match(unpinned.err, /octant identity --verifier-key/);
  const json = await octant(root, 'ledger', 'verify', '--file', file, '--json');
  assert.equal(json.code, 4);
  assert.equal((JSON.parse(json.out) as { authenticated: boolean }).authenticated, false);
  // --no-key: the operator accepts an integrity-only check; still warned.
  const accepted = await octant(root, 'ledger', 'verify', '--file', file, '--no-key');
  assert.equal(accepted.code, 0);
  assert.match(accepted.err, /warning: authenticity NOT checked/);
  assert.equal((await octant(root, 'ledger', 'verify', '--file', file, '--no-key', '--key', key)).code, 2);
  assert.equal((await octant(root, 'ledger', 'verify', '--no-key')).code, 2);
  // Working twin: the real export verifies with the real key.
  const real = join(root, 'real.jsonl');
  await octant(root, 'ledger', 'export', '--out', real);
  const good = await octant(root, 'ledger', 'verify', '--file', real, '--key', key, '--json');
  assert.equal(good.code, 0, good.out);
  assert.equal((JSON.parse(good.out) as { authenticated: boolean }).authenticated, true);
});

test('show, tail, grep and the story escape control characters an agent put in its entries', async (t) => {
  const root = await populated(t, 3);
  const ledger = await openLedger(rootLayout(root));
  const forged = '/tmp/x\n99  2026-01-01T00:00:00.000Z  system  vault  vault.init  /vault  allow  {}\x1b[2J\u202e';
  await ledger.append({ agent: 'aid-evil', lineage: [], kind: 'action', action: 'fs.read', target: forged, decision: 'allow', detail: { note: 'a\u2028b\x9b31m' } });
  await ledger.close();
  for (const args of [['show'], ['tail', '-n', '1'], ['grep', 'aid-evil']]) {
    const r = await octant(root, 'ledger', ...args);
    assert.equal(r.code, 0, r.err);
    const line = r.out.split('\n').find((l) => l.includes('aid-evil'))!;
    assert.equal(r.out.split('\n').filter((l) => l.includes('vault.init')).length, 1, 'the forged line stays inside the real one');
    assert.doesNotMatch(r.out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202e]/, args.join(' '));
    assert.match(line, /\[escaped\]"\/tmp\/x\\n99 .*\\x1b\[2J\\u202e"/);
    assert.match(line, /\[escaped\]"\{\\"note\\":\\"a\\u2028b\\x9b31m\\"\}"/);
  }
  // Working twin: --json keeps the stored text exactly (JSON escapes it its own way).
  const json = await octant(root, 'ledger', 'tail', '-n', '1', '--json');
  assert.equal((JSON.parse(json.out) as { target: string }).target, forged);
  // Ordinary entries print as before.
  assert.match((await octant(root, 'ledger', 'show')).out, /^0  \S+  aid-a  action  op0  \/work\/op0  allow  \{"i":0\}$/m);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import { installImage } from './install.ts';
import { FIRST_SLOT_OFFSET, SLOT_TABLE_OFFSET, decodeTable, emptyTable, encodeTable, inactiveSlot, readLayout, readTable, writeTable, type SlotTable } from './slots.ts';

const HASH = 'ab'.repeat(32);
const SALT = 'cd'.repeat(32);

/** A minimal image set: what install reads (image.json, root.img), not a bootable one. */
function imageSet(dir: string, fill: number, bytes = 8192): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'root.img'), Buffer.alloc(bytes, fill));
  writeFileSync(join(dir, 'image.json'), JSON.stringify({ kernel: '6.1.0-1-amd64', rootHash: HASH.replace(/^ab/, fill.toString(16).padStart(2, '0')), salt: SALT, dataBlocks: 1, hashStartBlock: 1, rootImageBytes: bytes }));
  return dir;
}

function temp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'octant-slots-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tableOf(disk: string): SlotTable {
  const fd = openSync(disk, 'r');
  try { return readTable(fd); } finally { closeSync(fd); }
}

test('the slot table round-trips through its 512 bytes (the layout boot-init.c reads)', () => {
  const table: SlotTable = emptyTable();
  table.booted = 'b';
  table.failure = { slot: 'a', errno: 5, step: 'verify root image: a block does not match its hash /dev/vda1' };
  table.slots[1] = { state: 'trying', triesLeft: 2, sequence: 7, installedAt: 1700000000, dataBlocks: 13800, hashStartBlock: 13800, rootHash: HASH, salt: SALT };
  const bytes = encodeTable(table);
  assert.equal(bytes.length, 512);
  assert.equal(bytes.toString('latin1', 0, 8), 'OCTSLOT1');
  assert.equal(bytes.readUInt32LE(320 + 144), 2, 'slot b state at the offset the C struct has');
  assert.deepEqual(decodeTable(bytes), table);
  // Refused: no magic, and an unknown state (fail closed rather than guess).
  assert.throws(() => decodeTable(Buffer.alloc(512)), (e) => isOctantError(e, 'E_IMAGE_SLOT_TABLE'));
  const bad = Buffer.from(bytes);
  bad.writeUInt32LE(9, 128 + 144);
  assert.throws(() => decodeTable(bad), (e) => isOctantError(e, 'E_IMAGE_SLOT_TABLE') && /state 9/.test(e.message));
});

test('install writes the inactive slot: a, then b, then never the slot that booted', (t) => {
  const dir = temp(t);
  const disk = join(dir, 'system.img');
  const first = installImage({ imageDir: imageSet(join(dir, 'one'), 1), disk, tries: 3, slotBytes: 1024 * 1024 });
  assert.equal(first.created, true);
  assert.equal(first.slot, 'a');
  const fd = openSync(disk, 'r');
  const layout = readLayout(fd);
  closeSync(fd);
  assert.deepEqual(layout, { slotBytes: 1024 * 1024, offsets: [FIRST_SLOT_OFFSET, FIRST_SLOT_OFFSET + 1024 * 1024] });
  const bytes = readFileSync(disk);
  assert.equal(bytes.readUInt16LE(510), 0xaa55, 'an MBR the kernel parses');
  assert.equal(bytes[FIRST_SLOT_OFFSET], 1, 'root.img copied into slot a');
  let table = tableOf(disk);
  assert.deepEqual({ state: table.slots[0].state, tries: table.slots[0].triesLeft, seq: table.slots[0].sequence }, { state: 'trying', tries: 3, seq: 1 });

  const second = installImage({ imageDir: imageSet(join(dir, 'two'), 2), disk, tries: 1 });
  assert.equal(second.slot, 'b');
  assert.equal(readFileSync(disk)[FIRST_SLOT_OFFSET + 1024 * 1024], 2);
  assert.equal(tableOf(disk).slots[1].sequence, 2);

  // The machine booted slot b: the next install goes to a, even though b is newer.
  table = tableOf(disk);
  const w = openSync(disk, 'r+');
  writeTable(w, { ...table, booted: 'b' });
  closeSync(w);
  assert.equal(installImage({ imageDir: imageSet(join(dir, 'three'), 3), disk, tries: 2 }).slot, 'a');
  assert.equal(inactiveSlot({ ...tableOf(disk), booted: 'a' }), 'b');
});

test('install refuses what does not fit or does not match, and leaves the slot empty rather than half-armed', (t) => {
  const dir = temp(t);
  const disk = join(dir, 'system.img');
  installImage({ imageDir: imageSet(join(dir, 'one'), 1), disk, tries: 3, slotBytes: 1024 * 1024 });
  // Too big for the slot: refused before anything is written.
  assert.throws(() => installImage({ imageDir: imageSet(join(dir, 'big'), 4, 2 * 1024 * 1024), disk, tries: 3 }), (e) => isOctantError(e, 'E_IMAGE_INPUT') && /does not fit/.test(e.message));
  assert.equal(tableOf(disk).slots[1].state, 'empty');
  // Bytes that are not the verified ones: written, found out, and the slot is not armed.
  const two = imageSet(join(dir, 'two'), 2);
  const real = createHash('sha256').update(readFileSync(join(two, 'root.img'))).digest('hex');
  assert.throws(() => installImage({ imageDir: two, disk, tries: 3, verified: { rootSha256: 'ee'.repeat(32), rootHash: HASH, salt: SALT, dataBlocks: 1, hashStartBlock: 1 } }),
    (e) => isOctantError(e, 'E_IMAGE_SIGNATURE') && /slot b left empty/.test(e.message));
  assert.equal(tableOf(disk).slots[1].state, 'empty');
  // Twin: the right digest arms it.
  assert.equal(installImage({ imageDir: two, disk, tries: 3, verified: { rootSha256: real, rootHash: HASH, salt: SALT, dataBlocks: 1, hashStartBlock: 1 } }).slot, 'b');
  assert.equal(tableOf(disk).slots[1].state, 'trying');
  assert.throws(() => installImage({ imageDir: two, disk, tries: 0 }), (e) => isOctantError(e, 'E_IMAGE_INPUT') && /--tries/.test(e.message));
  const notDisk = join(dir, 'plain.img');
  writeFileSync(notDisk, Buffer.alloc(SLOT_TABLE_OFFSET + 512));
  assert.throws(() => installImage({ imageDir: two, disk: notDisk, tries: 1 }), (e) => isOctantError(e, 'E_IMAGE_SLOT_TABLE'));
});

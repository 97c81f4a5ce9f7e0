import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootEvents, slotsDisk } from './boot-assessment.ts';
import { emptyTable, type SlotTable } from '../runtime/image/slots.ts';

const slot = (state: SlotTable['slots'][0]['state'], sequence: number) => ({ state, triesLeft: 0, sequence, installedAt: 0, dataBlocks: 1, hashStartBlock: 1, rootHash: String(sequence).repeat(64), salt: 'a'.repeat(64) });

test('a fallback boot records the refusal, the fallback, the switch and the good boot; a plain good boot only itself', () => {
  const table: SlotTable = { ...emptyTable(), booted: 'a', failure: { slot: 'b', errno: 5, step: 'verify root image' }, slots: [slot('trying', 1), slot('bad', 2)] };
  assert.deepEqual(bootEvents(table).map((e) => `${e.action} ${e.target} ${e.decision}`), ['boot.refused slot b deny', 'slot.fallback slot a allow', 'slot.switch slot a allow', 'boot.good slot a allow']);
  assert.equal(bootEvents(table)[0].detail.rootHash, '2'.repeat(64), 'the refused slot is named by its root hash');
  // A trying slot that never reached ready (no errno): boot.failed, not refused.
  assert.equal(bootEvents({ ...table, failure: { slot: 'b', errno: 0, step: 'did not reach system ready' } })[0].action, 'boot.failed');
  // The twin: a good slot booting again records only that.
  assert.deepEqual(bootEvents({ ...emptyTable(), booted: 'a', slots: [slot('good', 1), slot('empty', 0)] }).map((e) => e.action), ['boot.good']);
  assert.deepEqual(bootEvents(emptyTable()), [], 'nothing booted from the table: nothing to record');
});

test('octant.slots= on the kernel command line names the system disk; anything but a plain device path is ignored', () => {
  assert.equal(slotsDisk('console=ttyS0 octant.slots=/dev/vda octant.data=/dev/vdb panic=-1'), '/dev/vda');
  assert.equal(slotsDisk('console=ttyS0 octant.root=/dev/vda'), undefined);
  assert.equal(slotsDisk('octant.slots=/dev/vda;reboot'), undefined);
});

// After "system ready" on an A/B machine (kernel command line octant.slots=):
// what systemd-bless-boot does for systemd-boot's boot counting
// (https://systemd.io/AUTOMATIC_BOOT_ASSESSMENT/): the slot that booted is
// marked good in the slot table (runtime/image/slots.ts). And what the boot
// chain could not do itself: a boot that failed since the last good one
// (the initramfs wrote its step and errno into the slot table, since no
// ledger is reachable before the data disk is mounted), a fallback to the
// other slot, and a switch to a newly installed slot go into the ledger,
// durably, BEFORE the table is changed (log first, act second). When the
// ledger cannot take them, the slot is still marked good and the failure
// record stays for the next boot to record.

import { readFileSync } from 'node:fs';
import { messageOf } from '../lib/errors.ts';
import type { Logger } from '../runtime/log.ts';
import type { Paths } from '../runtime/paths.ts';
import { closeDisk, openDisk, readTable, slotOf, writeTable, type SlotTable } from '../runtime/image/slots.ts';
import { OPERATOR_AGENT, recordEvent, type LedgerEvent } from '../services/ledger/api.ts';

/** The system disk named on the kernel command line, or undefined (one root, no slots). */
export function slotsDisk(cmdline: string): string | undefined {
  return /(?:^|\s)octant\.slots=(\/[a-z0-9/]+)(?:\s|$)/.exec(cmdline)?.[1];
}

/** The ledger events one boot's table tells of. */
export function bootEvents(table: SlotTable): LedgerEvent[] {
  const booted = table.booted;
  if (booted === undefined) return [];
  const slot = slotOf(table, booted);
  const event = (action: string, target: string, decision: string, detail: Record<string, unknown>): LedgerEvent => ({
    agent: OPERATOR_AGENT, lineage: [], kind: 'image', action, target, decision, detail,
  });
  const events: LedgerEvent[] = [];
  const failure = table.failure;
  if (failure !== undefined) {
    events.push(event(failure.errno !== 0 ? 'boot.refused' : 'boot.failed', `slot ${failure.slot}`, 'deny', {
      slot: failure.slot, step: failure.step, errno: failure.errno, rootHash: slotOf(table, failure.slot).rootHash,
    }));
    if (failure.slot !== booted) events.push(event('slot.fallback', `slot ${booted}`, 'allow', { from: failure.slot, to: booted, rootHash: slot.rootHash }));
  }
  if (slot.state === 'trying') events.push(event('slot.switch', `slot ${booted}`, 'allow', { slot: booted, rootHash: slot.rootHash, sequence: slot.sequence }));
  events.push(event('boot.good', `slot ${booted}`, 'allow', { slot: booted, rootHash: slot.rootHash }));
  return events;
}

/** Records this boot and marks its slot good; never throws (the system stays up). */
export async function assessBoot(paths: Paths, log: Logger, cmdline = readFileSync('/proc/cmdline', 'utf8')): Promise<void> {
  const disk = slotsDisk(cmdline);
  if (disk === undefined) return;
  let fd: number;
  try {
    fd = openDisk(disk);
  } catch (error) {
    log.error('boot assessment: cannot open the system disk', { disk, error: messageOf(error) });
    return;
  }
  try {
    const table = readTable(fd);
    if (table.booted === undefined) {
      log.error('boot assessment: the slot table names no booted slot', { disk });
      return;
    }
    let recorded = true;
    for (const event of bootEvents(table)) {
      try {
        await recordEvent(paths, event, { log });
      } catch (error) {
        recorded = false;
        log.error('boot assessment: cannot record in the ledger', { action: event.action, error: messageOf(error) });
        break;
      }
    }
    const slots: SlotTable['slots'] = [...table.slots];
    const index = table.booted === 'a' ? 0 : 1;
    slots[index] = { ...slots[index], state: 'good', triesLeft: 0 };
    writeTable(fd, { ...table, slots, failure: recorded ? undefined : table.failure });
    log.info('boot assessed', { slot: table.booted, rootHash: slots[index].rootHash, failure: table.failure, recorded });
  } catch (error) {
    log.error('boot assessment failed', { disk, error: messageOf(error) });
  } finally {
    closeDisk(fd);
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Approval } from '../../agent/approvals/approval.ts';
import { ApprovalStore, newApprovalId } from '../../agent/approvals/store.ts';
import { notifyPendingApprovals, pendingLines } from './pending-notifier.ts';

function approval(agent: string, lineage: string[], createdAt: number, target = '/srv/out/a.txt'): Approval {
  return {
    id: newApprovalId(), agent, lineage, action: 'fs.write', target, reason: 'governance.critical lists fs.write', evidence: {},
    createdAt: new Date(createdAt).toISOString(), deadline: new Date(createdAt + 60_000).toISOString(), state: 'pending',
  };
}

test('each new pending approval of the run\'s agent or its children is printed once, with the commands that decide it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-notify-'));
  const store = new ApprovalStore(dir);
  const since = Date.now();
  const old = approval('agt_ours', [], since - 10_000);
  const ours = approval('agt_ours', [], since + 1);
  const child = approval('agt_kid', ['agt_ours'], since + 2);
  const stranger = approval('agt_other', [], since + 3);
  for (const a of [old, ours, child, stranger]) store.save(a);
  const lines: string[] = [];
  const stop = notifyPendingApprovals({ store, since, agent: () => 'agt_ours', rootFlag: '/r', write: (l) => lines.push(l), pollMs: 10 });
  await new Promise((resolve) => setTimeout(resolve, 60));
  stop();
  const text = lines.join('\n');
  assert.ok(text.includes(`approval ${ours.id} pending`));
  assert.ok(text.includes(`approval ${child.id} pending`));
  assert.ok(!text.includes(old.id), 'an approval from before the run is not the run\'s');
  assert.ok(!text.includes(stranger.id), 'another agent\'s approval is not shown');
  assert.ok(text.includes(`octant --root "/r" approvals approve ${ours.id} --key KEYFILE`));
  assert.equal(lines.filter((l) => l.startsWith(`approval ${ours.id}`)).length, 1, 'printed once');
  rmSync(dir, { recursive: true, force: true });
});

test('an agent-chosen target cannot forge a line or send terminal escapes', () => {
  const lines = pendingLines(approval('agt_x', [], Date.now(), '/tmp/a\napproval apr_fake approved\u001b[2J'));
  assert.equal(lines.length, 4);
  assert.ok(lines.every((l) => !l.includes('\u001b') && !l.includes('\n')));
});

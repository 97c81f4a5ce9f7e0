// The termination sequence (agent-lifecycle.md "End-of-Life Guarantees"),
// one straight line, each step in the documented order:
//   0. ledger: the transition to terminated (log first)
//   1. halt: kill every process in the agent's cgroup, wait for the exit
//   2. children: per the agent's policy — terminate them, let them wind down
//      within the grace period, or hand them to the system (adoption)
//   3. revoke every vault token of the agent
//   4. release: gateway, egress proxy, cgroup, the run directory with its
//      sockets and token (mounts and namespaces die with the last process)
//   5. audit finalisation: seal the agent's ledger partition; the seal entry
//      records the transition to archived and what is retained
//   6. artifact retention: keep the manifest's retained paths, remove the rest
//      (the whole sandbox area), then give the agent's uid back
// A failing step does not stop the later ones (resources must not leak);
// the first failure is rethrown once the sequence has run.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../lib/errors.ts';
import { nextState, type AgentEvent, type AgentState } from './state-machine.ts';
import { agentDir, writeRecord, type AgentRecord } from './records.ts';
import { removeSandboxArea, sandboxArea } from './sandbox-area.ts';
import { applyRetention, retainable } from './retention.ts';
import type { LifecycleDeps } from './ports.ts';
import type { LiveAgent } from './manager.ts';

export interface TerminationHooks {
  deps: LifecycleDeps;
  live: Map<string, LiveAgent>;
  append(agent: LiveAgent, event: AgentEvent, to: AgentState, detail?: Record<string, unknown>): Promise<void>;
  settle(agent: LiveAgent, to: AgentState, reason?: string): void;
  terminate(aid: string, reason: string): Promise<AgentRecord>;
  armDeadline(agent: LiveAgent, ms: number, reason: string): void;
}

export async function terminationSequence(h: TerminationHooks, agent: LiveAgent, reason: string): Promise<AgentRecord> {
  const { aid } = agent.record;
  const { deps } = h;
  const failures: unknown[] = [];
  const step = async (name: string, work: () => Promise<unknown> | unknown): Promise<void> => {
    try {
      await work();
    } catch (error) {
      failures.push(error);
      deps.log?.error('termination step failed', { aid, step: name, error: messageOf(error) });
    }
  };

  // A record already terminated is one a crash interrupted mid-sequence
  // (reconciliation): its transition is in the ledger; the rest runs again.
  if (agent.record.state !== 'terminated') await h.append(agent, 'terminate', 'terminated', { reason, from: agent.record.state });
  agent.record.reason = reason;

  await step('halt', async () => {
    if (agent.cgroup) await agent.cgroup.kill();
    if (agent.sandbox) agent.exit = await agent.sandbox.exited;
  });
  agent.record.exit = agent.exit ?? null;

  await step('children', () => settleChildren(h, agent));
  await step('revoke', () => deps.vault.revokeAgent(aid));
  await step('release-gateway', () => agent.gateway?.close());
  await step('release-proxy', () => agent.proxy?.close());
  await step('release-cgroup', () => agent.cgroup?.remove());
  const area = sandboxArea(deps.sandboxDir, aid);
  await step('release-run', () => rmSync(area.run, { recursive: true, force: true }));
  if (agent.record.state !== 'terminated') h.settle(agent, 'terminated', reason);

  const dir = agentDir(deps.agentsDir, aid);
  const scratch = area.scratch;
  const keep = retainable(scratch, agent.record.retain);
  nextState('terminated', 'archive', aid);
  await step('seal', () => deps.ledger.seal(aid, { event: 'archive', from: 'terminated', to: 'archived', reason, exit: agent.record.exit, retained: keep }));
  await step('retain', () => applyRetention(scratch, join(dir, 'retained'), keep));
  await step('release-area', () => removeSandboxArea(deps.sandboxDir, aid));
  // Only now, with no process and no file of the agent left in the area, may its uid serve another agent.
  await step('release-uid', () => agent.user && deps.users.release(aid));
  agent.record.retained = keep;
  h.settle(agent, 'archived');
  h.live.delete(aid);
  const final = { ...agent.record };
  writeRecord(deps.agentsDir, final);
  agent.end(final);
  if (failures.length > 0) throw failures[0];
  return final;
}

/** Apply the terminating agent's children policy to its live children. */
async function settleChildren(h: TerminationHooks, parent: LiveAgent): Promise<void> {
  const children = [...h.live.values()].filter((a) => a.record.parent === parent.record.aid);
  const policy = parent.record.childrenPolicy;
  if (policy === 'terminate') {
    await Promise.all(children.map((c) => h.terminate(c.record.aid, `parent ${parent.record.aid} terminated`)));
  } else if (policy === 'wind-down') {
    for (const child of children) h.armDeadline(child, parent.record.graceSeconds * 1000, `parent ${parent.record.aid} terminated; wind-down grace ended`);
  } else {
    for (const child of children) {
      // Adoption keeps the child's history (its lineage stays as it was);
      // only the parent that answers for it changes.
      await h.deps.ledger.append({
        agent: child.record.aid, lineage: child.record.lineage, kind: 'lifecycle', action: 'adopt', target: child.record.aid, decision: 'ok',
        detail: { from: parent.record.aid, to: 'system' },
      });
      child.record.parent = 'system';
      writeRecord(h.deps.agentsDir, child.record);
    }
  }
}

// Spawning from an agent (agent-lifecycle.md "Spawning Agents from Agents";
// capability-manifests.md rule 5): the parent must be running and allowed to
// spawn, and the new child must fit the depth and descendant budgets of the
// parent AND of every ancestor above it, so a grandchild cannot widen what
// the grandparent allowed. Permissions themselves narrow by intersection in
// the manifest module; this file only counts.

import { OctantError, EXIT } from '../../lib/errors.ts';
import { isLive, type AgentState } from './state-machine.ts';

export interface SpawnNode {
  aid: string;
  state: AgentState;
  depth: number;
  /** AIDs from the root down to the parent. */
  lineage: string[];
  spawn: { allowed: boolean; maxDepth: number; maxDescendants: number };
}

function denied(code: string, message: string, detail: Record<string, unknown>): OctantError {
  return new OctantError(code, message, { exit: EXIT.denied, detail });
}

/** Live descendants of `aid` among `nodes`. */
export function liveDescendants(aid: string, nodes: Iterable<SpawnNode>): number {
  let count = 0;
  for (const n of nodes) if (isLive(n.state) && n.lineage.includes(aid)) count += 1;
  return count;
}

/** Throws E_LIFECYCLE_SPAWN_* when `parent` may not spawn one more child now. */
export function checkSpawn(parent: SpawnNode, byAid: ReadonlyMap<string, SpawnNode>): void {
  if (parent.state !== 'running') {
    throw denied('E_LIFECYCLE_SPAWN_PARENT', `${parent.aid}: only a running agent can spawn (it is ${parent.state})`, { parent: parent.aid });
  }
  if (!parent.spawn.allowed) {
    throw denied('E_LIFECYCLE_SPAWN_DENIED', `${parent.aid}: its manifest does not allow spawning (spawn.allowed is false)`, { parent: parent.aid });
  }
  const childDepth = parent.depth + 1;
  for (const aid of [...parent.lineage, parent.aid]) {
    const ancestor = aid === parent.aid ? parent : byAid.get(aid);
    // An ancestor that already ended no longer holds a budget over the tree.
    if (ancestor === undefined || !isLive(ancestor.state)) continue;
    const relative = childDepth - ancestor.depth;
    if (relative > ancestor.spawn.maxDepth) {
      throw denied('E_LIFECYCLE_SPAWN_DEPTH', `${ancestor.aid}: spawn.maxDepth is ${ancestor.spawn.maxDepth}; the new agent would be ${relative} levels below it`, { ancestor: ancestor.aid, maxDepth: ancestor.spawn.maxDepth });
    }
    const descendants = liveDescendants(ancestor.aid, byAid.values());
    if (descendants + 1 > ancestor.spawn.maxDescendants) {
      throw denied('E_LIFECYCLE_SPAWN_BUDGET', `${ancestor.aid}: spawn.maxDescendants is ${ancestor.spawn.maxDescendants} and ${descendants} descendants are live`, { ancestor: ancestor.aid, maxDescendants: ancestor.spawn.maxDescendants });
    }
  }
}

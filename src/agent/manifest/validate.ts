// The eleven validation rules (docs/manifests.md "Validation"), one small
// function each, each with its own error code (rule 10, dangerous grants, is
// in dangerous-grants.ts with one code per kind; rule 11, the isolation tier,
// in isolation-tier.ts). validateManifest runs them in
// order and returns the effective manifest; the first failure is handed to
// onReject (the ledger) and awaited, then thrown: log first, act second.

import { denyReason } from '../../kernel/seccomp/deny-list.ts';
import { EXIT, OctantError, isOctantError, messageOf } from '../../lib/errors.ts';
import type { LedgerEvent } from '../../services/ledger/api.ts';
import { type Approval, hasApproval } from './approval.ts';
import { ceilingOf, firstExcess, type Excess } from './ceiling.ts';
import { memoryExcess } from './memory-ceiling.ts';
import { checkGrants, type HostProtection } from './dangerous-grants.ts';
import { intersect } from './intersect.ts';
import { settleIsolation, type TierPolicy } from './isolation-tier.ts';
import type { Roles } from './roles.ts';
import type { EffectiveManifest, Manifest, Resources } from './schema.ts';
import { type KeyLookup, type SignedManifest, readSignedManifest, verifyManifest } from './sign.ts';

export type Capacity = Resources;

export interface SpawnState {
  /** Descendants the parent has alive now (all generations). */
  descendants: number;
  /** Seconds the parent has left (null = unlimited). */
  remainingSeconds: number | null;
}

export interface ValidationContext {
  trust: KeyLookup;
  roles: Roles;
  /** The spawning agent's effective manifest; absent for a root agent. */
  parent?: EffectiveManifest;
  parentSpawnState?: SpawnState;
  /** What the host offers in all (cores, bytes, bytes/s, tasks). */
  capacity: Capacity;
  /** Resources already promised to running agents. */
  reservations: readonly Resources[];
  /** Names of agents alive now. */
  liveIdentities: ReadonlySet<string> | readonly string[];
  approvals?: readonly Approval[];
  /** What of this host no grant may reach (rule 10): hostProtection(paths). */
  host: HostProtection;
  /** The system's tier policy and the operator's request (rule 11); absent = the manifest's own tier. */
  isolation?: TierPolicy;
  /** AIDs of the ancestors, root first, for the ledger entry. */
  lineage?: string[];
  /**
   * Rule 4 mode for a child. false (default): a child asking for anything its
   * parent lacks is rejected (what `octant manifest validate` checks). true:
   * the child is narrowed to the intersection and rule 4 checks the result
   * (what happens when an agent spawns: the child gets only the intersection).
   */
  narrowToParent?: boolean;
  onReject(event: LedgerEvent): unknown;
}

function reject(code: string, rule: number, message: string, hint?: string, field?: string): OctantError {
  return new OctantError(code, message, { exit: EXIT.denied, hint, detail: { rule, ...(field ? { field } : {}) } });
}

function excessMessage(e: Excess, of: string): string {
  return `${e.field}: ${e.asked} exceeds ${of} (allows ${e.allowed})`;
}

/** Rule 3: a named role exists and the manifest fits its ceiling. */
export function checkRole(m: Manifest, roles: Roles): void {
  if (m.identity.role === undefined) return;
  const role = roles.get(m.identity.role);
  if (role === undefined) throw reject('E_MANIFEST_ROLE', 3, `identity.role: unknown role ${JSON.stringify(m.identity.role)}`, `roles: ${[...roles.keys()].join(', ')}`, 'identity.role');
  const excess = firstExcess(m, role.ceiling, true) ?? memoryExcess(m.memory, role.ceiling.memory);
  if (excess !== undefined) throw reject('E_MANIFEST_ROLE', 3, excessMessage(excess, `the ${role.name} role's ceiling`), undefined, excess.field);
}

/** Rule 4: every permission the child asks for is one the parent has. Limits narrow instead. */
export function checkParent(child: Manifest, parent: Manifest | undefined): void {
  if (parent === undefined) return;
  const excess = firstExcess(child, ceilingOf(parent), false);
  if (excess !== undefined) throw reject('E_MANIFEST_PARENT', 4, excessMessage(excess, `the parent ${parent.identity.name}'s grants`), undefined, excess.field);
}

/** Rule 5: the parent may spawn, has descendants to spare, and the child's own spawn limits fit below it. */
export function checkSpawnBudget(child: Manifest, parent: Manifest | undefined, state: SpawnState | undefined): void {
  if (parent === undefined) return;
  const code = 'E_MANIFEST_SPAWN_BUDGET';
  const name = parent.identity.name;
  if (!parent.spawning.allowed) throw reject(code, 5, `parent ${name} may not spawn (spawning.allowed is false)`);
  if (state === undefined) throw reject(code, 5, `parent ${name}: no spawn state given, so the budget cannot be checked`);
  if (state.descendants >= parent.spawning.maxDescendants) throw reject(code, 5, `parent ${name} has ${state.descendants} descendants, its maximum is ${parent.spawning.maxDescendants}`);
  if (!child.spawning.allowed) return;
  const depth = parent.spawning.maxDepth - 1;
  if (child.spawning.maxDepth > depth) throw reject(code, 5, `spawning.maxDepth: ${child.spawning.maxDepth} exceeds the ${depth} generation(s) left below parent ${name}`, undefined, 'spawning.maxDepth');
  const left = parent.spawning.maxDescendants - state.descendants - 1;
  if (child.spawning.maxDescendants > left) throw reject(code, 5, `spawning.maxDescendants: ${child.spawning.maxDescendants} exceeds the ${left} left in parent ${name}'s budget`, undefined, 'spawning.maxDescendants');
}

/** Rule 6: the request fits what the host has left after current reservations. */
export function checkResources(m: Manifest, capacity: Capacity, reservations: readonly Resources[]): void {
  for (const key of ['cpu', 'memory', 'ioBandwidth', 'pids', 'networkThroughput'] as const) {
    const reserved = reservations.reduce((sum, r) => sum + r[key], 0);
    const free = capacity[key] - reserved;
    if (m.resources[key] > free) {
      throw reject('E_MANIFEST_RESOURCES', 6, `resources.${key}: ${m.resources[key]} requested, ${Math.max(0, free)} available (capacity ${capacity[key]}, reserved ${reserved})`, undefined, `resources.${key}`);
    }
  }
}

/** Rule 7: no permanently denied syscall is allowed. */
export function checkDenyList(m: Manifest): void {
  const i = m.syscalls.findIndex((name) => denyReason(name) !== undefined);
  if (i !== -1) {
    const name = m.syscalls[i];
    throw reject('E_MANIFEST_DENY_LIST', 7, `syscalls: ${name} is permanently denied (${denyReason(name)})`, 'remove it; no manifest may allow it', 'syscalls');
  }
}

/** Rule 8: no live agent has this name. */
export function checkIdentity(m: Manifest, live: ReadonlySet<string> | readonly string[]): void {
  const taken = live instanceof Set ? live.has(m.identity.name) : (live as readonly string[]).includes(m.identity.name);
  if (taken) throw reject('E_MANIFEST_IDENTITY', 8, `identity.name: an agent named ${m.identity.name} is already running`, undefined, 'identity.name');
}

/** Rule 9: an unlimited lifetime carries an operator approval for this exact manifest. */
export function checkUnlimited(effective: Manifest, requested: Manifest, approvals: readonly Approval[], trust: KeyLookup): void {
  if (effective.lifetime.ttl !== 'unlimited') return;
  if (!hasApproval(requested, 'unlimited-lifetime', approvals, trust)) {
    throw reject('E_MANIFEST_UNLIMITED', 9, `lifetime.ttl: unlimited needs an operator approval for ${requested.identity.name}, and none was given or none verifies`, "an operator signs one with 'octant manifest approve'", 'lifetime.ttl');
  }
}

function rejectionEvent(error: OctantError, m: Manifest | undefined, lineage: string[]): LedgerEvent {
  return {
    agent: m?.identity.name ?? 'system',
    lineage,
    kind: 'manifest',
    action: 'validate',
    target: m?.identity.name ?? '(unparsed manifest)',
    decision: 'deny',
    detail: { code: error.code, message: error.message, ...error.detail },
  };
}

/** Rules 1-11 in order; resolves to the effective manifest or rejects after onReject. */
export async function validateManifest(input: SignedManifest | unknown, ctx: ValidationContext): Promise<EffectiveManifest> {
  let requested: Manifest | undefined;
  try {
    const signed = readSignedManifest(input); // rule 1
    requested = signed.manifest;
    verifyManifest(signed, ctx.trust); // rule 2
    checkRole(requested, ctx.roles); // rule 3
    if (!ctx.narrowToParent) checkParent(requested, ctx.parent); // rule 4 (strict)
    checkSpawnBudget(requested, ctx.parent, ctx.parentSpawnState); // rule 5
    const effective = ctx.parent === undefined ? requested : intersect(ctx.parent, requested, { parentRemainingSeconds: ctx.parentSpawnState?.remainingSeconds });
    // Rule 4 (narrowing): the intersection must lie within the parent. It
    // always should; checking it again is defence in depth against a bug in intersect.
    if (ctx.narrowToParent) checkParent(effective, ctx.parent);
    checkResources(effective, ctx.capacity, ctx.reservations); // rule 6
    checkDenyList(requested); // rule 7
    checkIdentity(requested, ctx.liveIdentities); // rule 8
    checkUnlimited(effective, requested, ctx.approvals ?? [], ctx.trust); // rule 9
    checkGrants(requested, ctx.host); // rule 10
    return settleIsolation(effective, requested, ctx.isolation ?? {}); // rule 11
  } catch (error) {
    const rejection = isOctantError(error) ? error : new OctantError('E_MANIFEST_SCHEMA', `manifest: ${messageOf(error)}`, { cause: error });
    try {
      await ctx.onReject(rejectionEvent(rejection, requested, ctx.lineage ?? []));
    } catch (ledgerError) {
      throw new OctantError('E_MANIFEST_LEDGER', `rejection ${rejection.code} could not be recorded: ${messageOf(ledgerError)}`, { cause: rejection, exit: EXIT.unavailable });
    }
    throw rejection;
  }
}

// Budgets that survive a crash. The router saves its spend with a ledger
// mark (state.json: budgets + mark, at stop and every minute), and at start
// replays its own ledger entries from that mark on: every decision reserved
// its worst case and every outcome settled it, and both are in the ledger
// (the decision durable before its call). So a crash loses no spend: the
// calls since the last save are counted again from the ledger, a call whose
// outcome was lost keeps its worst-case reservation (never an undercount),
// and without a usable state or mark the whole ledger is replayed. Never a
// silent overspend after a restart.

import { OctantError } from '../../lib/errors.ts';
import { FIRST_MARK, forEachEntryFrom, type LedgerEntry, type LedgerMark } from '../ledger/api.ts';
import { Budgets, type BudgetSnapshot } from './routing/budget.ts';

export interface SavedRouterState {
  budgets?: BudgetSnapshot;
  ewma?: Record<string, unknown>;
  /** The ledger's mark taken with `budgets`: entries from here on are not in it. */
  mark?: LedgerMark;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Count the spend one entry records into `budgets`; 1 if it was a router decision or outcome, else 0. */
export function replaySpend(budgets: Budgets, e: LedgerEntry): number {
  if (e.kind !== 'router') return 0;
  const d = e.detail;
  let usd: number;
  let tokens: number;
  if ((e.action === 'route' || e.action === 'embed') && e.decision === 'allow') {
    // The reservation made with the decision: the call's worst case.
    usd = num(d.reservedUsd);
    tokens = num(d.reservedTokens);
  } else if (e.action === 'complete') {
    // The settlement: what the call really cost, in place of its reservation.
    const usage = (d.usage ?? {}) as Record<string, unknown>;
    usd = num(d.usd) - num(d.reservedUsd);
    tokens = num(usage.promptTokens) + num(usage.completionTokens) - num(d.reservedTokens);
  } else {
    return 0;
  }
  const at = Date.parse(e.time);
  const route = typeof d.route === 'string' ? d.route : e.target;
  budgets.record(`agent ${e.agent}`, usd, tokens, at);
  budgets.record(`route ${route}`, usd, tokens, at);
  // A call that named a deployment, not a route, was charged to the routes holding it too (router.ts, budgetScopes).
  if (Array.isArray(d.routeBudgets)) for (const r of d.routeBudgets) if (typeof r === 'string' && r !== route) budgets.record(`route ${r}`, usd, tokens, at);
  return 1;
}

/**
 * Bring `budgets` up to date with the ledger in `dir`, reading it a chunk at
 * a time. With a saved state and a mark the segment still matches, the
 * saved budgets plus the entries after the mark (counted apart first, so a
 * mismatch found half-way leaves nothing counted twice); otherwise every
 * router entry from the first.
 */
export function recoverSpend(budgets: Budgets, dir: string, saved: SavedRouterState | undefined): { from: 'mark' | 'start'; entries: number } {
  if (saved?.budgets !== undefined && saved.mark !== undefined) {
    const scratch = new Budgets();
    scratch.restore(saved.budgets);
    let entries = 0;
    if (forEachEntryFrom(dir, saved.mark, (e) => void (entries += replaySpend(scratch, e)))) {
      budgets.restore(scratch.snapshot());
      return { from: 'mark', entries };
    }
  }
  let entries = 0;
  // The ledger service opened this segment (and refused damage) before the
  // router started, so reading it from the start cannot fail but for a bug.
  if (!forEachEntryFrom(dir, FIRST_MARK, (e) => void (entries += replaySpend(budgets, e)))) {
    throw new OctantError('E_ROUTER_STATE', `${dir}: the ledger could not be read from its first entry to recover the router's spend`);
  }
  return { from: 'start', entries };
}

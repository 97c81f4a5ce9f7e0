// The bi-temporal rule for facts (docs/memory.md "The temporal model"), as a
// pure function: given the versions of one key the agent believes now and a
// new statement, what to write. The store applies the plan in one
// transaction.
//
// The rule: the newest statement wins over the valid time it names
// [validFrom, validTo) (open-ended when validTo is absent).
// - Same text over that time already believed: a repeat. Nothing new is
//   written ('confirm'); touching or overlapping same-text versions are
//   merged into one version covering both (same id, so one forget removes it).
// - Different text overlapping it: a contradiction. Each overlapped version
//   is superseded (transaction time closed, kept for "what was believed at
//   T") and what remains of it outside the new time is written again as new
//   versions of the same id (its validity closed at the new validFrom, or
//   split around a bounded correction). A version the new time covers
//   entirely leaves nothing: that fact is retracted (still in history).
// A correction ("actually X since an earlier time") is the same rule with an
// earlier validFrom: it can close or retract several versions at once.

/** A version the agent believes now (superseded_at IS NULL). */
export interface BelievedVersion {
  v: number;
  id: string;
  text: string;
  validFrom: number;
  /** undefined: open-ended. */
  validTo: number | undefined;
}

export interface Statement {
  text: string;
  validFrom: number;
  validTo: number | undefined;
}

export interface VersionWrite {
  id: string;
  validFrom: number;
  validTo: number | undefined;
}

export interface FactPlan {
  /** An id whose version already holds this statement: only confirmedAt changes. */
  confirm?: string;
  /** Version rows to supersede (their transaction time ends now). */
  supersede: number[];
  /** Versions to write; `id` undefined: the new memory's. */
  write: { id: string | undefined; validFrom: number; validTo: number | undefined }[];
  /** The id the statement ends up in (an existing same-text fact's, or undefined: a new memory). */
  target: string | undefined;
  closed: string[];
  retracted: string[];
}

/** Two statements say the same thing when their texts differ only in case, spacing and a final full stop. */
export function sameText(a: string, b: string): boolean {
  const norm = (t: string): string => t.trim().replace(/\s+/g, ' ').replace(/[.!]+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

const end = (to: number | undefined): number => to ?? Number.POSITIVE_INFINITY;

function overlaps(a: { validFrom: number; validTo: number | undefined }, b: { validFrom: number; validTo: number | undefined }): boolean {
  return a.validFrom < end(b.validTo) && b.validFrom < end(a.validTo);
}

/** Overlapping or touching: same-text versions that meet are one period. */
function meets(a: { validFrom: number; validTo: number | undefined }, b: { validFrom: number; validTo: number | undefined }): boolean {
  return a.validFrom <= end(b.validTo) && b.validFrom <= end(a.validTo);
}

export function planFact(believed: readonly BelievedVersion[], statement: Statement): FactPlan {
  const same = believed.filter((b) => sameText(b.text, statement.text) && meets(b, statement));
  const other = believed.filter((b) => !sameText(b.text, statement.text) && overlaps(b, statement));
  const covering = same.find((b) => b.validFrom <= statement.validFrom && end(statement.validTo) <= end(b.validTo));
  if (other.length === 0 && covering !== undefined) {
    return { confirm: covering.id, supersede: [], write: [], target: covering.id, closed: [], retracted: [] };
  }
  // The new period: the statement merged with the same-text versions it meets.
  let from = statement.validFrom;
  let to = end(statement.validTo);
  for (const b of same) {
    from = Math.min(from, b.validFrom);
    to = Math.max(to, end(b.validTo));
  }
  const target = same[0]?.id;
  const supersede = [...same.map((b) => b.v), ...other.map((b) => b.v)];
  const write: FactPlan['write'] = [{ id: target, validFrom: from, validTo: to === Number.POSITIVE_INFINITY ? undefined : to }];
  const closed = new Set<string>();
  const touched = new Set<string>();
  for (const b of other) {
    touched.add(b.id);
    if (b.validFrom < from) {
      write.push({ id: b.id, validFrom: b.validFrom, validTo: from });
      closed.add(b.id);
    }
    if (to < end(b.validTo)) {
      write.push({ id: b.id, validFrom: to, validTo: b.validTo });
      closed.add(b.id);
    }
  }
  // Retracted: every believed version of that id is covered (an id may hold several after a split).
  const remaining = new Set(believed.filter((b) => !supersede.includes(b.v)).map((b) => b.id));
  const retracted = [...touched].filter((id) => !closed.has(id) && !remaining.has(id));
  return { supersede, write, target, closed: [...closed], retracted };
}

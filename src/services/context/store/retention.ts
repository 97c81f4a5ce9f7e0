// Retention (docs/memory.md "Retention"): which memories a policy expires
// now. Per kind: older than maxAgeMs since last stated (written or
// confirmed), or beyond the newest maxCount. Pinned memories are kept: the
// agent (or its operator) pinned them to keep them. The store forgets what
// this returns, totally (every tier), like any forget.

import type { DatabaseSync } from 'node:sqlite';
import type { Memory, RetentionPolicy } from '../types.ts';
import { inputError } from './memory-input.ts';
import { str } from './rows.ts';

const KINDS: readonly Memory['kind'][] = ['fact', 'note', 'turn'];
const STATED = 'max(created_at, coalesce(confirmed_at, 0))';

export function checkPolicy(policy: RetentionPolicy): void {
  for (const [kind, rule] of Object.entries(policy)) {
    if (!KINDS.some((k) => k === kind)) throw inputError(`retention.${kind}`, "expected 'fact', 'note' or 'turn'");
    if (rule === undefined) continue;
    if (rule.maxAgeMs !== undefined && !(Number.isSafeInteger(rule.maxAgeMs) && rule.maxAgeMs > 0)) throw inputError(`retention.${kind}.maxAgeMs`, 'expected a positive integer');
    if (rule.maxCount !== undefined && !(Number.isSafeInteger(rule.maxCount) && rule.maxCount >= 0)) throw inputError(`retention.${kind}.maxCount`, 'expected a non-negative integer');
  }
}

export function expiredIds(db: DatabaseSync, policy: RetentionPolicy, now: number): string[] {
  checkPolicy(policy);
  const ids = new Set<string>();
  for (const kind of KINDS) {
    const rule = policy[kind];
    if (rule === undefined) continue;
    if (rule.maxAgeMs !== undefined) {
      const rows = db.prepare(`SELECT id FROM memory WHERE kind = ? AND pinned = 0 AND ${STATED} < ?`).all(kind, now - rule.maxAgeMs);
      for (const row of rows) ids.add(str(row, 'id'));
    }
    if (rule.maxCount !== undefined) {
      const rows = db.prepare(`SELECT id FROM memory WHERE kind = ? AND pinned = 0 ORDER BY ${STATED} DESC, n DESC LIMIT -1 OFFSET ?`).all(kind, rule.maxCount);
      for (const row of rows) ids.add(str(row, 'id'));
    }
  }
  return [...ids];
}

// POST /v1/ledger/append on the admin socket: how a system-level command
// (octant manifest validate, ...) records an event while the ledger service
// holds the writer lock. The body is one LedgerEvent, checked field by field
// here (the socket is root-only, but a malformed event must still never
// reach the log); the reply is the durable LedgerEntry.
//
// What a command may write is narrower than what the service may: the
// system partition belongs to the services running in the daemon (the
// vault's init and unseal entries, recovery), and sealing a partition is
// the lifecycle's decision. A client of this route that could write either
// could forge the vault's history or seal the system partition (after
// which `vault init` fails for good), so both are refused with 403.

import { EXIT, OctantError } from '../../lib/errors.ts';
import { endpoint, json, route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { SEAL_ACTION, SYSTEM_AGENT, isSeal } from './entry.ts';
import type { LedgerAppend, LedgerEntry, LedgerEvent } from './types.ts';

const FIELDS = ['agent', 'lineage', 'kind', 'action', 'target', 'decision', 'detail'] as const;
const MAX_TEXT = 4096;
const MAX_LINEAGE = 64;

function bad(field: string, message: string): OctantError {
  return new OctantError('E_LEDGER_EVENT', `${field}: ${message}`, { exit: EXIT.usage, detail: { field } });
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field, `expected a string, got ${value === null ? 'null' : typeof value}`);
  if (value === '' && field !== 'target') throw bad(field, 'must not be empty');
  if (value.length > MAX_TEXT) throw bad(field, `${value.length} characters; at most ${MAX_TEXT}`);
  return value;
}

/** A request body → a LedgerEvent, or E_LEDGER_EVENT (exit 2) naming the field. */
export function readLedgerEvent(value: unknown): LedgerEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('event', 'expected a JSON object {agent, lineage, kind, action, target, decision, detail}');
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!(FIELDS as readonly string[]).includes(key)) throw bad(key, `unknown field (known: ${FIELDS.join(', ')})`);
  for (const key of FIELDS) if (!Object.hasOwn(r, key)) throw bad(key, 'required field is missing');
  if (!Array.isArray(r.lineage)) throw bad('lineage', 'expected a list of AIDs');
  if (r.lineage.length > MAX_LINEAGE) throw bad('lineage', `${r.lineage.length} entries; at most ${MAX_LINEAGE}`);
  const detail = r.detail;
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) throw bad('detail', 'expected a JSON object');
  return {
    agent: text(r.agent, 'agent'),
    lineage: r.lineage.map((aid, i) => text(aid, `lineage[${i}]`)),
    kind: text(r.kind, 'kind'),
    action: text(r.action, 'action'),
    target: text(r.target, 'target'),
    decision: text(r.decision, 'decision'),
    detail: detail as Record<string, unknown>,
  };
}

function denied(field: string, message: string): OctantError {
  return new OctantError('E_LEDGER_APPEND_DENIED', `${field}: ${message}`, { exit: EXIT.denied, detail: { field } });
}

/** What the admin API may not append, however well formed: E_LEDGER_APPEND_DENIED (403). */
export function checkApiAppend(event: LedgerEvent): LedgerEvent {
  if (event.agent === SYSTEM_AGENT) throw denied('agent', `the '${SYSTEM_AGENT}' partition is written only by the services in the daemon, not through the admin API`);
  if (isSeal(event)) throw denied('action', `${SEAL_ACTION}: partitions are sealed by the agent lifecycle, not through the admin API`);
  return event;
}

/** The ledger's admin endpoints, under /v1/ledger/: the body is checked by readLedgerEvent (400 naming the field). */
export const LEDGER_API = {
  append: endpoint<LedgerEntry>()({ method: 'POST', path: '/append', body: readLedgerEvent }),
};

/** The ledger service's admin routes, mounted under /v1/ledger/. */
export function ledgerRoutes(append: LedgerAppend): AdminRoutes {
  return [
    route(LEDGER_API.append, async ({ body }) => json(await append(checkApiAppend(body)), { status: 201 })),
  ];
}

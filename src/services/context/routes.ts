// The context service's admin routes, under /v1/context/ (endpoints.ts
// declares them; `octant memory` calls them). An operator's forget and
// import are recorded in the ledger (how many, which partition; never the
// content) before they are made.

import { EXIT, OctantError } from '../../lib/errors.ts';
import { route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { OPERATOR_AGENT, type LedgerAppend } from '../ledger/api.ts';
import type { ContextApi, MemoryRef } from './context-api.ts';
import { CONTEXT_API } from './endpoints.ts';

/** Exactly one of id and key, named in the refusal. */
export function refOf(body: { id?: string; key?: string }): MemoryRef {
  if ((body.id === undefined) === (body.key === undefined)) throw new OctantError('E_USAGE', 'id: give exactly one of id and key', { exit: EXIT.usage });
  return body.id !== undefined ? { id: body.id } : { key: body.key! };
}

export function contextRoutes(context: ContextApi, ledger: LedgerAppend): AdminRoutes {
  const record = (action: string, partition: string, detail: Record<string, unknown>) =>
    ledger({ agent: OPERATOR_AGENT, lineage: [], kind: 'memory', action, target: partition, decision: 'allow', detail });
  return [
    route(CONTEXT_API.partitions, async () => Promise.all((await context.partitions()).map((p) => context.stats(p)))),
    route(CONTEXT_API.list, ({ body }) => context.recent(body.partition, body.limit ?? 50)),
    route(CONTEXT_API.get, async ({ body }) => (await context.get(body.partition, refOf(body))) ?? null),
    route(CONTEXT_API.search, ({ body }) => context.search(body.partition, body.query, body.k ?? 10)),
    route(CONTEXT_API.stats, ({ body }) => context.stats(body.partition)),
    route(CONTEXT_API.forget, async ({ body }) => {
      const ref = refOf(body);
      await record('memory.forget', body.partition, { by: 'id' in ref ? 'id' : 'key' });
      return { forgotten: await context.forget(body.partition, ref) };
    }),
    route(CONTEXT_API.export, async ({ body }) => {
      await record('memory.export', body.partition, {});
      return { lines: await context.exportLines(body.partition) };
    }),
    route(CONTEXT_API.import, async ({ body }) => {
      await record('memory.import', body.partition, { lines: body.lines.length });
      return context.importLines(body.partition, body.lines);
    }),
  ];
}

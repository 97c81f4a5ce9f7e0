// The context service's admin endpoints, under /v1/context/ (routes.ts
// serves them; `octant memory` calls them). Operators' reads and writes of
// any partition: the admin socket is owner-only, and each change (forget,
// import) is recorded in the ledger before it is made.

import { endpoint } from '../../lib/http/route.ts';
import type { ContextStats } from './context-api.ts';
import type { MemoryHit } from './types.ts';
import type { Memory } from './types.ts';

/** A partition is named by its agent (manifest identity.name). */
const partition = { type: 'string', pattern: /^[a-z][a-z0-9-]{0,62}$/, doc: 'the agent name' } as const;
const ref = { id: { type: 'string', minLength: 1, maxLength: 128 }, key: { type: 'string', minLength: 1, maxLength: 256 } } as const;

export const CONTEXT_API = {
  /** Every partition with its counts and sharing. */
  partitions: endpoint<ContextStats[]>()({ method: 'GET', path: '/partitions' }),
  /** The newest memories of a partition {partition, limit?}. */
  list: endpoint<Memory[]>()({ method: 'POST', path: '/list', body: { type: 'object', properties: { partition, limit: { type: 'integer', min: 1, max: 1000 } }, required: ['partition'] } }),
  /** One memory by id, or the fact valid now for a key {partition, id | key}. */
  get: endpoint<Memory | null>()({ method: 'POST', path: '/get', body: { type: 'object', properties: { partition, ...ref }, required: ['partition'] } }),
  /** Hybrid recall {partition, query, k?}. */
  search: endpoint<MemoryHit[]>()({ method: 'POST', path: '/search', body: { type: 'object', properties: { partition, query: { type: 'string', maxLength: 4096 }, k: { type: 'integer', min: 1, max: 1000 } }, required: ['partition', 'query'] } }),
  stats: endpoint<ContextStats>()({ method: 'POST', path: '/stats', body: { type: 'object', properties: { partition }, required: ['partition'] } }),
  /** Forget from every tier {partition, id | key}; a key forgets the fact's whole history. */
  forget: endpoint<{ forgotten: number }>()({ method: 'POST', path: '/forget', body: { type: 'object', properties: { partition, ...ref }, required: ['partition'] } }),
  /** The partition as JSON lines. */
  export: endpoint<{ lines: string[] }>()({ method: 'POST', path: '/export', body: { type: 'object', properties: { partition }, required: ['partition'] } }),
  /** Add an export's memories {partition, lines}. */
  import: endpoint<{ imported: number; skipped: number }>()({
    method: 'POST', path: '/import',
    body: { type: 'object', properties: { partition, lines: { type: 'array', items: { type: 'string', maxLength: 1 << 20 }, minItems: 1, maxItems: 1_000_000 } }, required: ['partition', 'lines'] },
  }),
};

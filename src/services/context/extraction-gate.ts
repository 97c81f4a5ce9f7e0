// T4 extraction by a model, as the context service runs it (docs/memory.md
// "Extraction by a model"). Two keys must both turn:
//   - the operator configures a chat deployment (services.context.extractor.deployment);
//   - the agent's manifest names that same deployment in memory.remoteExtractor
//     (recorded when the agent starts: attach).
// Otherwise a partition's memory never leaves the machine for extraction:
// the rules (graph/extract.ts) alone index it. A grant that names another
// deployment than the configured one opens nothing.
//
// The grants are kept in memory, from each agent's start: after a restart of
// the service, a partition is extracted by rules until its agent starts
// again (the safe direction).

import type { ObjectSchema, ConfigValue } from '../../runtime/config-schema.ts';
import type { LedgerAppend } from '../ledger/api.ts';
import type { Caller, ChatRequest, ChatResponse } from '../router/api.ts';
import type { VaultApi } from '../vault/api.ts';
import type { Actor } from './context-api.ts';
import { CONTEXT_PRINCIPAL } from './graph-config.ts';
import type { GraphTier } from './graph/graph-tier.ts';
import { modelExtraction, type ModelExtraction } from './graph/model-extraction.ts';
import type { Partition } from './types.ts';

export const EXTRACTOR_CONFIG = {
  doc: 'T4 extraction by a model: used for an agent only when its manifest names this deployment in memory.remoteExtractor',
  type: 'object',
  properties: {
    deployment: { type: 'string', default: '', maxLength: 128, doc: 'the router chat deployment that extracts entities and relations as JSON; empty: rule-based extraction only (nothing leaves the machine)' },
    credentials: { type: 'array', items: { type: 'string' }, default: [], doc: 'vault grants the extraction calls may use (grant them to agent:context)' },
    concurrency: { type: 'integer', min: 1, max: 16, default: 2, doc: 'extraction requests at once' },
    queueLimit: { type: 'integer', min: 1, max: 1_000_000, default: 1000, doc: 'memories waiting for extraction at most; beyond, a memory keeps the rules\' extraction' },
    maxEntities: { type: 'integer', min: 1, max: 1000, default: 64, doc: 'an answer naming more entities is refused (the rules\' extraction is kept)' },
    maxRelations: { type: 'integer', min: 1, max: 1000, default: 64, doc: 'an answer stating more relations is refused' },
  },
} as const satisfies ObjectSchema;

export type ExtractorConfig = ConfigValue<typeof EXTRACTOR_CONFIG>;

export interface ExtractionGate {
  /** An agent starts with this manifest grant (undefined: none): the gate of its partition follows it; a change is ledgered first. */
  attach(partition: Partition, remoteExtractor: string | undefined, actor: Actor): Promise<void>;
  close(): Promise<void>;
  /** For tests and stop: every queued extraction done. */
  idle(): Promise<void>;
}

export interface ExtractionGateDeps {
  config: ExtractorConfig;
  t4: GraphTier;
  chat(request: ChatRequest, caller: Caller): Promise<ChatResponse>;
  vault: Pick<VaultApi, 'issueToken'>;
  ledger: LedgerAppend;
  log(message: string, detail: Record<string, unknown>): void;
}

const TOKEN_TTL_S = 3600;

export function extractionGate(deps: ExtractionGateDeps): ExtractionGate {
  const { config } = deps;
  const grants = new Map<Partition, string>();
  let token: { value: string; expires: number } | undefined;
  const caller = async (): Promise<Caller> => {
    if (config.credentials.length === 0) return { agent: CONTEXT_PRINCIPAL, lineage: [] };
    if (token === undefined || token.expires - Date.now() < 60_000) {
      token = { value: await deps.vault.issueToken(CONTEXT_PRINCIPAL, config.credentials, { ttlSeconds: TOKEN_TTL_S }), expires: Date.now() + TOKEN_TTL_S * 1000 };
    }
    return { agent: CONTEXT_PRINCIPAL, lineage: [], vaultToken: token.value };
  };
  const extraction: ModelExtraction | undefined = config.deployment === '' ? undefined : modelExtraction(deps.t4, {
    gate: (partition) => (grants.get(partition) === config.deployment ? config.deployment : undefined),
    chat: async (request) => deps.chat(request, await caller()),
    ledger: deps.ledger,
    onFallback: (partition, id, reason) => deps.log('memory extraction fell back to the rules', { partition, id, reason }),
    limits: { maxEntities: config.maxEntities, maxRelations: config.maxRelations },
    queueLimit: config.queueLimit,
    concurrency: config.concurrency,
  });
  deps.t4.useExtraction(extraction);
  return {
    async attach(partition, remoteExtractor, actor) {
      const before = grants.get(partition);
      if (before === remoteExtractor) return;
      const inForce = remoteExtractor !== undefined && remoteExtractor === config.deployment;
      // Log first: whether this partition's memory may now go to a model is durable before it does.
      await deps.ledger({ ...actor, kind: 'memory', action: 'memory.extractor', target: `memory:${partition}`, decision: inForce ? 'allow' : 'info', detail: { granted: remoteExtractor ?? null, configured: config.deployment === '' ? null : config.deployment, before: before ?? null, inForce } });
      if (remoteExtractor === undefined) grants.delete(partition);
      else grants.set(partition, remoteExtractor);
    },
    async close() {
      deps.t4.useExtraction(undefined);
      await extraction?.close();
    },
    idle: () => extraction?.idle() ?? Promise.resolve(),
  };
}

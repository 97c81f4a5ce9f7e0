// Which embedder each partition's T3 uses, as the service decides it
// (docs/memory.md "Which embedder a partition uses"):
//   - the operator's embedder (octant.yaml services.context.embedder): the
//     built-in one, or a local model file run on this machine;
//   - per agent, its signed manifest's `memory.remoteEmbedder`: that agent's
//     memory (and its own queries) embedded by exactly that router
//     deployment, as that agent (the router budgets and ledgers each call:
//     kind router, action embed, target deployment:<id>).
// The grant is the partition owner's own effective manifest (for a child:
// already intersected with its parent's), applied when that agent starts;
// no other agent's grant ever sends this partition's text anywhere.

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { WorkerPool } from '../../lib/worker-pool.ts';
import type { Caller, EmbedOptions, EmbedRequest, EmbedResponse } from '../router/api.ts';
import type { Actor } from './context-api.ts';
import type { Partition } from './types.ts';
import { builtinEmbedder } from './vectors/builtin-embedder.ts';
import type { Embedder } from './vectors/embedder.ts';
import { localModelEmbedder } from './vectors/local-model.ts';
import { onnxModelEmbedder } from './vectors/onnx-model.ts';
import type { PartitionEmbedders } from './vectors/partition-embedders.ts';
import type { EmbedTransport } from './vectors/router-embedder.ts';

/** The part of the router's API a remote embedder uses. */
export interface RouterEmbedPort {
  embed(request: EmbedRequest, caller: Caller, options?: EmbedOptions): Promise<EmbedResponse>;
}

/** services.context.embedder in octant.yaml. */
export interface EmbedderSettings {
  kind: 'builtin' | 'local';
  model: string;
  modelsDir: string;
  dims: number;
  engine: string;
  vocab: string;
  onnxRuntime: string;
}

/** The operator's embedder, and how to release what it started (a local engine). */
export function operatorEmbedder(settings: EmbedderSettings): { make(workers: WorkerPool): Embedder; close(): Promise<void> } {
  if (settings.kind === 'builtin') return { make: (workers) => builtinEmbedder({ workers }), close: async () => undefined };
  if (settings.dims < 1) throw new OctantError('E_CONFIG', 'services.context.embedder.dims: a local model needs its vector size (e.g. 768)', { exit: EXIT.usage });
  // Refuses here, at start, naming the missing step (no model file, no engine, no runtime).
  const local = settings.model.endsWith('.onnx')
    ? onnxModelEmbedder({ modelsDir: settings.modelsDir, model: settings.model, vocab: settings.vocab, runtime: settings.onnxRuntime, dims: settings.dims })
    : localModelEmbedder({ modelsDir: settings.modelsDir, ...(settings.model !== '' ? { model: settings.model } : {}), engine: settings.engine, dims: settings.dims });
  return { make: () => local, close: () => local.close() };
}

/** The transport of a grant: that deployment only (no route, no failover elsewhere), as that agent (its vault token for a credentialed deployment). */
export function grantTransport(router: RouterEmbedPort, actor: Actor, vaultToken?: string): EmbedTransport {
  const caller: Caller = { agent: actor.agent, lineage: actor.lineage, ...(vaultToken !== undefined ? { vaultToken } : {}) };
  return async (model, input) => (await router.embed({ model, input }, caller, { exactDeployment: true })).vectors;
}

export interface EmbedderChoice {
  /** 'default' (the operator's embedder) or 'router:<deployment>'. */
  target(partition: Partition): string;
  /** For stats: the embedder of the partition's vectors, the choice, and whether it is being re-embedded. */
  describe(partition: Partition): { current: string; target: string; reembedding: boolean };
  /** The owner starts with this grant (undefined: none); a change re-embeds the partition. */
  select(partition: Partition, remoteEmbedder: string | undefined, actor: Actor, vaultToken?: string): void;
}

export function embedderChoice(embedders: PartitionEmbedders, router: RouterEmbedPort): EmbedderChoice {
  return {
    target: (partition) => embedders.identity(partition).target,
    describe: (partition) => embedders.identity(partition),
    select(partition, remoteEmbedder, actor, vaultToken) {
      embedders.select(partition, remoteEmbedder === undefined ? undefined : { deployment: remoteEmbedder, transport: grantTransport(router, actor, vaultToken) });
    },
  };
}

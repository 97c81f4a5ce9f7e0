// The context service: agents' memory, five tiers behind one API
// (docs/memory.md). The tiered store (store/) keeps each agent's partition
// in its own SQLite file, with T3 and T4 (recall-tiers.ts) handed in; this service puts the vault's redaction in front
// of it (no secret in an agent's memory), keeps the partitions' sharing
// declarations (recorded in the ledger), applies retention, and serves the
// operators' routes under /v1/context/ (`octant memory`). The agent layer
// reaches it through api.ts: the mediated memory tools and the agent loop.

import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { createWorkerPool, workerSource, type WorkerPool } from '../../lib/worker-pool.ts';
import type { ObjectSchema } from '../../runtime/config-schema.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { ServiceDefinition } from '../../runtime/supervisor/service.ts';
import type { LedgerApi } from '../ledger/api.ts';
import type { RouterApi } from '../router/api.ts';
import type { RouterEmbedPort } from './embedder-choice.ts';
import type { VaultApi } from '../vault/api.ts';
import type { ContextApi } from './context-api.ts';
import { createContext } from './context.ts';
import { EXTRACTOR_CONFIG } from './extraction-gate.ts';
import { GRAPH_CONFIG } from './graph-config.ts';
import { contextRoutes } from './routes.ts';
import { sharingRegistry } from './sharing.ts';
import { createContextStore } from './store/context-store.ts';

/** Schema of services.context in octant.yaml: the only place its defaults are written. */
export const CONTEXT_CONFIG = {
  type: 'object',
  properties: {
    dir: { type: 'string', default: '', doc: 'where each agent\'s memory (one SQLite file per agent name) and the sharing declarations live; empty: <state>/memory' },
    durability: { type: 'string', enum: ['full', 'normal'], default: 'full', doc: 'full: a memory is on disk (fsync of the WAL) before put returns, so kill -9 loses nothing acknowledged; normal: fsync at checkpoints only (faster, a power loss may lose the last writes)' },
    hotItems: { type: 'integer', min: 0, max: 1_000_000, default: 512, doc: 'T0: recent memories kept in process per agent, besides the pinned ones' },
    pinnedLimit: { type: 'integer', min: 1, max: 10_000, default: 256, doc: 'pinned memories an agent may hold (all of them are in every step\'s context)' },
    vectorExactLimit: { type: 'integer', min: 1, max: 10_000_000, default: 20_000, doc: 'T3: vectors per agent up to which its index is an exact scan; past it, an HNSW graph built in a worker (approximate, recall@10 about 0.97-0.99: docs/benchmarks.md)' },
    embedder: {
      doc: 'T3: the embedder of agents whose manifest names no remote one (memory.remoteEmbedder); changing it re-embeds each agent\'s memory in the background',
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['builtin', 'local'], default: 'builtin', doc: 'builtin: hashed word and character n-grams, no model file; local: a model file in modelsDir, run on this machine (GGUF: by llama-server on 127.0.0.1; ONNX: by onnxruntime-web in a worker)' },
        model: { type: 'string', default: '', doc: 'local: the model file in modelsDir: a .gguf, or the .onnx of a sentence-transformers export (e.g. all-MiniLM-L6-v2/model.onnx); empty: the only, or first, .gguf there' },
        vocab: { type: 'string', default: '', doc: 'local ONNX: its vocab.txt or tokenizer.json, relative to modelsDir (empty: tokenizer.json, else vocab.txt, beside the model)' },
        onnxRuntime: { type: 'string', default: '', doc: 'local ONNX: the directory of the onnxruntime-web package, or one whose node_modules holds it (empty: looked for from the executable\'s directory and the working directory up)' },
        modelsDir: { type: 'string', default: '/data/models', doc: 'local: where the operator installs models' },
        dims: { type: 'integer', min: 0, max: 16_384, default: 0, doc: 'local: the model\'s vector size (required with kind local)' },
        engine: { type: 'string', default: 'llama-server', doc: 'local GGUF: the engine program, a path or a name on PATH' },
      },
    },
    retention: {
      doc: 'retention for agents whose manifest sets none (memory.retention); a manifest\'s own applies instead',
      type: 'object',
      properties: {
        maxAgeDays: { type: 'integer', min: 0, max: 36_500, default: 0, doc: 'forget memories not stated again for this many days (0: keep)' },
        maxCount: { type: 'integer', min: 0, max: 10_000_000, default: 0, doc: 'keep only the newest this many memories of each kind (0: no limit)' },
      },
    },
    graph: GRAPH_CONFIG,
    extractor: EXTRACTOR_CONFIG,
    fusion: {
      doc: 'hybrid recall: the weight of each tier\'s ranked list in the reciprocal rank fusion (docs/memory.md "Hybrid recall"); the defaults were chosen on a generated conversation set, measure yours with `octant memory eval --weights`',
      type: 'object',
      properties: {
        t2: { type: 'number', min: 0, max: 100, default: 1, doc: 'T2 full text (BM25 and recency)' },
        t3: { type: 'number', min: 0, max: 100, default: 1, doc: 'T3 vectors' },
        t4: { type: 'number', min: 0, max: 100, default: 3, doc: 'T4 graph (relations the question asks for, entities it names)' },
      },
    },
  },
} as const satisfies ObjectSchema;

/** The memory directory for a configured `dir` (empty: the default). */
export function memoryDir(paths: Paths, dir = ''): string {
  if (dir === '') return join(paths.state, 'memory');
  if (!isAbsolute(dir)) throw new OctantError('E_CONFIG', `services.context.dir: must be an absolute path, got ${JSON.stringify(dir)}`, { exit: EXIT.usage });
  return dir;
}

/** Bulk import runs here (store-worker.ts), off the event loop that serves agents. */
export function importWorkers(): WorkerPool {
  return createWorkerPool({
    name: 'memory',
    source: workerSource('memory-store', () => new URL('./store/store-worker.ts', import.meta.url)),
    threads: Math.max(1, Math.min(2, availableParallelism() - 1)),
    queueLimit: 16,
  });
}

export interface ContextServiceApi extends ContextApi {
  /** The retention a manifest without its own gets (services.context.retention), in manifest units. */
  defaultRetention(): { maxAge?: number; maxCount?: number };
}

/** The context service records sharing, retention and operators' changes (append), and redacts through the vault. */
type ContextDeps = {
  ledger: LedgerApi;
  vault: Pick<VaultApi, 'redactAsync' | 'issueToken' | 'inject'>;
  /** Only for an agent whose manifest grants a remote embedder: that deployment, as that agent; and T4 extraction by a model (services.context.extractor), when configured and granted. */
  router: RouterEmbedPort & Pick<RouterApi, 'chat'>;
};

export const contextService: ServiceDefinition<ContextServiceApi, ContextDeps, typeof CONTEXT_CONFIG> = {
  name: 'context',
  needs: ['ledger', 'vault', 'router'],
  configSchema: CONTEXT_CONFIG,
  async start(ctx) {
    const { ledger, vault, router } = ctx.deps;
    const dir = memoryDir(ctx.paths, ctx.config.dir);
    const workers = importWorkers();
    // T3 (the operator's embedder, or per agent the remote one its manifest
    // grants: embedder-choice.ts) and T4 in one file of
    // their own, beside (not among) the partitions' files; hybrid fusion over T2-T4.
    mkdirSync(join(dir, 'recall'), { recursive: true, mode: 0o700 });
    const tiersFile = join(dir, 'recall', 'tiers.sqlite');
    // Owner-only whatever the umask, like the partitions' files: entities and
    // relations are memory text. SQLite gives its -wal and -shm the same mode.
    closeSync(openSync(tiersFile, 'a', 0o600));
    chmodSync(tiersFile, 0o600);
    // Loaded at start, not with the module: the tiers' code (compiled patterns,
    // tables) is evaluated in the running daemon, never in the startup snapshot.
    const { openRecallTiers } = await import('./recall-tiers.ts');
    const { openGraphDriver } = await import('./graph-config.ts');
    const { extractionGate } = await import('./extraction-gate.ts');
    const { embedderChoice, operatorEmbedder } = await import('./embedder-choice.ts');
    // The operator's embedder; a configured local model that is missing refuses to start, naming the step.
    const own = operatorEmbedder(ctx.config.embedder);
    // T4 on PostgreSQL when configured; a bad setting or a refused login stops the service (never a fallback to SQLite).
    const graph = await openGraphDriver(ctx.config.graph, vault).catch(async (error: unknown) => {
      await own.close();
      throw error;
    });
    const recall = await openRecallTiers({ file: tiersFile, embedder: own.make, memoryDir: dir, exactLimit: ctx.config.vectorExactLimit, fusion: { weights: { ...ctx.config.fusion } }, log: (message, detail) => ctx.log.warn(message, detail), ...(graph === undefined ? {} : { graph }) }).catch(async (error: unknown) => {
      await own.close();
      await graph?.close();
      throw error;
    });
    const extraction = extractionGate({ config: ctx.config.extractor, t4: recall.t4, chat: (request, caller) => router.chat(request, caller), vault, ledger: ledger.append, log: (message, detail) => ctx.log.info(message, detail) });
    const store = createContextStore({ dir, durability: ctx.config.durability, hotCapacity: ctx.config.hotItems, pinnedLimit: ctx.config.pinnedLimit, workers, tiers: recall.tiers, fuse: recall.fuse });
    const core = createContext({ store, redact: (text) => vault.redactAsync(text), ledger: ledger.append, sharing: sharingRegistry(join(dir, 'sharing.json'), ledger.append), embedders: embedderChoice(recall.embedders, router) });
    const context: ContextApi = {
      ...core,
      async attach(partition, policy, actor) {
        const result = await core.attach(partition, policy, actor);
        await extraction.attach(partition, policy.remoteExtractor, actor);
        return result;
      },
    };
    const { maxAgeDays, maxCount } = ctx.config.retention;
    const retention = { ...(maxAgeDays > 0 ? { maxAge: maxAgeDays * 86_400 } : {}), ...(maxCount > 0 ? { maxCount } : {}) };
    ctx.log.info('context started', { dir, partitions: store.partitions().length, graph: ctx.config.graph.backend, extractor: ctx.config.extractor.deployment || null });
    return {
      api: { ...context, defaultRetention: () => retention },
      routes: contextRoutes(context, ledger.append),
      health: () => ({ ok: true, detail: `${store.partitions().length} agent memories in ${dir}` }),
      stop: async () => {
        await extraction.close();
        await store.close();
        await recall.close();
        await own.close();
        await workers.close();
      },
    };
  },
};

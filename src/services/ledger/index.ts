// The ledger service: first in the boot graph (needs nothing). It owns the
// segment file under <state>/ledger/, appends with group commit, and
// publishes a signed checkpoint every `checkpointIntervalMs` (config,
// default 60 s, 0 = only on demand) when the log has grown. Other layers
// import it through api.ts.

import type { ObjectSchema } from '../../runtime/config-schema.ts';
import type { Logger } from '../../runtime/log.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { ServiceDefinition } from '../../runtime/supervisor/service.ts';
import { ledgerRoutes } from './append-route.ts';
import { machineSigner } from './log-key.ts';
import { ledgerDir } from './read.ts';
import { LedgerStore } from './store.ts';
import type { LedgerServiceApi, OpenLedger } from './types.ts';

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;

/** Open the ledger for append without the service (takes the writer lock; E_LEDGER_LOCKED if the service holds it). */
export async function openLedger(paths: Paths, options: { log?: Logger } = {}): Promise<OpenLedger> {
  const store = await LedgerStore.open(ledgerDir(paths), { log: options.log });
  return { ...apiOf(store, paths), close: () => store.close() };
}

function apiOf(store: LedgerStore, paths: Paths): LedgerServiceApi {
  let signer: ReturnType<typeof machineSigner> | undefined;
  return {
    append: (event) => store.append(event),
    seal: (agent, detail) => store.seal(agent, detail),
    size: () => store.size,
    mark: () => store.mark(),
    checkpoint: async () => {
      signer ??= machineSigner(paths);
      const c = store.publishCheckpoint(signer);
      return { size: c.size, rootHash: c.root.toString('base64'), note: c.note };
    },
  };
}

/** Schema of services.ledger in octant.yaml: the only place its defaults are written. */
export const LEDGER_CONFIG = {
  type: 'object',
  properties: {
    // How often a signed checkpoint is published when the log has grown (0: on demand only).
    checkpointIntervalMs: { type: 'integer', min: 0, max: 24 * 3600 * 1000, default: DEFAULT_CHECKPOINT_INTERVAL_MS },
  },
} as const satisfies ObjectSchema;

export const ledgerService: ServiceDefinition<LedgerServiceApi, {}, typeof LEDGER_CONFIG> = {
  name: 'ledger',
  needs: [],
  configSchema: LEDGER_CONFIG,
  async start(ctx) {
    const interval = ctx.config.checkpointIntervalMs;
    const store = await LedgerStore.open(ledgerDir(ctx.paths), { log: ctx.log });
    const api = apiOf(store, ctx.paths);
    let published = -1;
    let failure: Error | undefined;
    let fail: (error: Error) => void = () => {};
    const failed = new Promise<Error>((resolve) => (fail = resolve));
    const timer = interval === 0 ? undefined : setInterval(() => {
      if (store.size === published) return;
      api.checkpoint().then((c) => (published = c.size), (error: Error) => {
        ctx.log.error('ledger checkpoint failed', { error: error.message });
        failure = error;
        fail(error);
      });
    }, interval);
    timer?.unref();
    return {
      api,
      routes: ledgerRoutes(api.append),
      health: () => (failure === undefined ? { ok: true, detail: `${store.size} entries` } : { ok: false, detail: failure.message }),
      failed,
      async stop() {
        if (timer !== undefined) clearInterval(timer);
        await store.close();
      },
    };
  },
};

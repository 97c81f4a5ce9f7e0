// The agents service: the lifecycle manager inside the booted system, with
// its admin routes under /v1/agents/ (what `octant agent ...` calls).
// It lives in the agent layer, so the operator layer's composition root
// (src/operator/system.ts) adds it to the services it runs.

import { OctantError, EXIT } from '../../lib/errors.ts';
import type { ServiceDefinition } from '../../runtime/supervisor/service.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import type { LedgerApi } from '../../services/ledger/types.ts';
import type { VaultApi } from '../../services/vault/types.ts';
import { loadSignedManifest } from '../manifest/index.ts';
import { composeLifecycle } from './compose.ts';
import type { LifecycleManager } from './manager.ts';

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function stringField(body: unknown, name: string): string {
  const value = field(body, name);
  if (typeof value !== 'string' || value === '') throw new OctantError('E_USAGE', `request body: '${name}' must be a non-empty string`, { exit: EXIT.usage });
  return value;
}

export function agentRoutes(manager: LifecycleManager): AdminRoutes {
  return {
    'GET /list': () => ({ body: manager.list() }),
    'GET /inspect': (req) => ({ body: manager.get(req.query.get('aid') ?? '') }),
    'POST /start': async (req) => {
      const signed = loadSignedManifest({ text: stringField(req.body, 'manifest'), origin: String(field(req.body, 'origin') ?? 'request') });
      const command = field(req.body, 'command');
      if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) {
        throw new OctantError('E_USAGE', "request body: 'command' must be a non-empty list of strings", { exit: EXIT.usage });
      }
      const parent = field(req.body, 'parent');
      return { body: await manager.start({ signed, command, parent: typeof parent === 'string' ? parent : undefined }) };
    },
    'POST /suspend': async (req) => ({ body: await manager.suspend(stringField(req.body, 'aid')) }),
    'POST /resume': async (req) => ({ body: await manager.resume(stringField(req.body, 'aid')) }),
    'POST /stop': async (req) => ({ body: await manager.terminate(stringField(req.body, 'aid'), String(field(req.body, 'reason') ?? 'operator stop')) }),
  };
}

export const agentsService: ServiceDefinition<LifecycleManager> = {
  name: 'agents',
  needs: ['ledger', 'vault'],
  async start(ctx) {
    const manager = composeLifecycle({
      paths: ctx.paths,
      ledger: ctx.deps.ledger as LedgerApi,
      vault: ctx.deps.vault as VaultApi,
      log: ctx.log,
    });
    return {
      api: manager,
      routes: agentRoutes(manager),
      health: () => ({ ok: true, detail: `${manager.liveManifests().length} live agents` }),
      stop: () => manager.close('system stop'),
    };
  },
};

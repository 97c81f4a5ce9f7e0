// The quorum service: multi-model governance of critical actions. The
// approval gate (agent/approvals) asks it to decide a proposal; a panel of
// models reached through the router votes; the rules count the ballots; the
// result (approved, rejected, escalate to a human, denied) and every step
// leading to it are in the ledger before the gate acts (docs/governance.md).
// Other layers import it through api.ts.

import type { ServiceDefinition } from '../../runtime/supervisor/service.ts';
import type { ObjectSchema } from '../../runtime/config-schema.ts';
import type { LedgerApi } from '../ledger/api.ts';
import type { Caller, RouterApi } from '../router/api.ts';
import type { VaultApi } from '../vault/api.ts';
import { decisionsDir, DecisionStore } from './decisions.ts';
import { loadPanel, savePanel } from './panel.ts';
import { createQuorum, type QuorumApi } from './quorum.ts';
import { quorumRoutes } from './routes.ts';
import { readPolicy, RULE_CONFIG_SCHEMA } from './rules.ts';
import type { Voter } from './types.ts';


/** The router's caller for voting calls: budgets and ledger entries name it. */
export const QUORUM_AGENT = 'quorum';
const TOKEN_TTL_S = 3600;

/** Schema of services.quorum in octant.yaml: the only place its defaults are written. */
export const QUORUM_CONFIG = {
  type: 'object',
  properties: {
    // How long one voter has to answer one round; a late ballot abstains.
    voterTimeoutSeconds: { type: 'integer', min: 1, max: 600, default: 30 },
    // How long a whole vote may take (debate included); then the action is denied.
    deadlineSeconds: { type: 'integer', min: 1, max: 3600, default: 120 },
    // Vault grants the voting calls may use (grant them to agent:quorum).
    credentials: { type: 'array', items: { type: 'string' }, default: [] },
    // Budget of the voting calls, as a router caller budget.
    budget: {
      type: 'object',
      properties: {
        usdPerRequest: { type: 'number', min: 0 }, usdPerDay: { type: 'number', min: 0 }, usdTotal: { type: 'number', min: 0 },
        tokensPerRequest: { type: 'integer', min: 0 }, tokensPerDay: { type: 'integer', min: 0 }, tokensTotal: { type: 'integer', min: 0 },
      },
    },
    // The system policy: a rule per action class, and "default".
    rules: { type: 'map', values: RULE_CONFIG_SCHEMA },
  },
} as const satisfies ObjectSchema;

/** The quorum records each step (append), asks the panel through the router, and redacts what voters see. */
type QuorumDeps = {
  ledger: LedgerApi;
  router: Pick<RouterApi, 'chat' | 'models'>;
  vault: Pick<VaultApi, 'issueToken' | 'redact'>;
};

export const quorumService: ServiceDefinition<QuorumApi, QuorumDeps, typeof QUORUM_CONFIG> = {
  name: 'quorum',
  needs: ['ledger', 'router', 'vault'],
  configSchema: QUORUM_CONFIG,
  async start(ctx) {
    const { ledger, router, vault } = ctx.deps;
    const policy = readPolicy(ctx.config.rules);
    let panel: Voter[] = loadPanel(ctx.paths);
    const { credentials, budget } = ctx.config;
    let token: { value: string; expires: number } | undefined;
    const caller = async (): Promise<Caller> => {
      if (credentials.length === 0) return { agent: QUORUM_AGENT, lineage: [], budget };
      if (token === undefined || token.expires - Date.now() < 60_000) {
        token = { value: await vault.issueToken(QUORUM_AGENT, credentials, { ttlSeconds: TOKEN_TTL_S }), expires: Date.now() + TOKEN_TTL_S * 1000 };
      }
      return { agent: QUORUM_AGENT, lineage: [], budget, vaultToken: token.value };
    };
    const quorum = createQuorum({
      ledger: ledger.append,
      chat: (request, who) => router.chat(request, who),
      caller,
      redact: (text) => vault.redact(text),
      panel: () => panel,
      policy,
      decisions: new DecisionStore(decisionsDir(ctx.paths)),
      voterTimeoutMs: ctx.config.voterTimeoutSeconds * 1000,
      deadlineMs: ctx.config.deadlineSeconds * 1000,
    });
    ctx.log.info('quorum started', { voters: panel.length });
    return {
      api: quorum,
      routes: quorumRoutes({
        quorum,
        ledger: ledger.append,
        panel: () => panel,
        setPanel: (next) => { savePanel(ctx.paths, next); panel = next; },
        models: () => router.models().map((m) => m.id),
      }),
      health: () => ({ ok: true, detail: panel.length === 0 ? 'no voters: every critical action goes to a human' : `${panel.length} voter(s)` }),
      stop: async () => {},
    };
  },
};

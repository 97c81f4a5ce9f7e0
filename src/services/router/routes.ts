// Admin API routes of the router, mounted under /v1/router/ on the admin
// socket (owner-only). The operator's calls run as the agent 'operator': the
// vault injects a key only if its secret is granted to agent:operator
// (`octant vault grant <secret> agent:operator`), so an operator probe or
// gateway gets no key the operator did not hand out explicitly.
//   POST /test  {deployment, prompt?}            one request to one deployment
//   POST /serve {port, host?, tokenSha256}       a TCP gateway for as long as the
//                                                caller stays connected (NDJSON reply)
//   POST /reload                                 read etc/router.yaml again and put it
//                                                in force (after `router add|rm`)
//   POST /explain {model, messages, tools?, responseFormat?, maxTokens?}
//                                                the decision the running router would
//                                                make now (live latency, cooldowns, limits)

import { createHash, timingSafeEqual } from 'node:crypto';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { ndjson, route } from '../../lib/http/route.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { ROUTER_API } from './endpoints.ts';
import type { VaultApi } from '../vault/api.ts';
import { serveGateway, type GatewayRoutes } from './gateway/server.ts';
import type { Authenticate, Caller, ChatResponse, RouterApi, RouterConfig } from './types.ts';

export const OPERATOR_AGENT = 'operator';
const TOKEN_TTL_S = 3600;

/** Sorted vault grant names the deployments of `config` use. */
function grantsOf(config: RouterConfig): string[] {
  return [...new Set(config.deployments.flatMap((d) => (d.credential === undefined ? [] : [d.credential])))].sort();
}

/**
 * The operator's vault token over every credential the configuration in
 * force names, re-issued before it expires and when that set changes.
 */
function operatorTokens(vault: Pick<VaultApi, 'issueToken'>, config: () => RouterConfig, now: () => number = Date.now): () => Promise<string | undefined> {
  let current: { token: string; expires: number; grants: string } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    const grants = grantsOf(config());
    if (grants.length === 0) return undefined; // keyless deployments need no vault (it may be sealed)
    const key = grants.join('\n');
    if (current !== undefined && current.grants === key && current.expires - now() > 60_000) return current.token;
    // One issue at a time: issuing revokes the agent's previous token.
    pending ??= vault.issueToken(OPERATOR_AGENT, grants, { ttlSeconds: TOKEN_TTL_S }).then((token) => {
      current = { token, expires: now() + TOKEN_TTL_S * 1000, grants: key };
      return token;
    }).finally(() => (pending = undefined));
    return pending;
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export interface RouterRouteDeps {
  router: RouterApi;
  /** The configuration in force. */
  config(): RouterConfig;
  /** Read the configuration file again, record it in the ledger, put it in force. */
  reload(): Promise<RouterConfig>;
  vault: Pick<VaultApi, 'issueToken'>;
  gatewayRoutes(authenticate: Authenticate): GatewayRoutes;
  /** Gateways opened by /serve, closed when the service stops. */
  gateways: Set<{ close(): Promise<void> }>;
}

export function routerRoutes(deps: RouterRouteDeps): AdminRoutes {
  const token = operatorTokens(deps.vault, deps.config);
  const operator = async (): Promise<Caller> => ({ agent: OPERATOR_AGENT, lineage: [], vaultToken: await token() });
  return [
    route(ROUTER_API.test, async ({ body }) => {
      const id = body.deployment;
      const dep = deps.config().deployments.find((d) => d.id === id);
      if (dep === undefined) throw new OctantError('E_ROUTER_DEPLOYMENT', `router test: the running router has no deployment '${id}'`, { exit: EXIT.usage, hint: "see 'octant router list'; 'octant router add' puts a deployment in force at once" });
      if ((dep.kind ?? 'chat') !== 'chat') throw new OctantError('E_USAGE', `router /test: deployment '${id}' serves embeddings; only chat deployments can be tested`, { exit: EXIT.usage });
      const start = performance.now();
      // Through the whole router path: ledger first, budget, failover on this one deployment, vault injection.
      // A keyless deployment is tested without asking the vault (which may be sealed).
      const caller: Caller = dep.credential === undefined ? { agent: OPERATOR_AGENT, lineage: [] } : await operator();
      const response: ChatResponse = await deps.router.chat({ model: id, messages: [{ role: 'user', content: body.prompt ?? 'Reply with the single word: ok' }], maxTokens: 32 }, caller);
      return { deployment: id, model: response.model, content: response.content, usage: response.usage, ms: Math.round(performance.now() - start) };
    }),
    route(ROUTER_API.explain, ({ body }) => deps.router.explain(body)),
    route(ROUTER_API.reload, async () => {
      const config = await deps.reload();
      return { deployments: config.deployments.map((d) => d.id), routes: config.routes.map((r) => r.name) };
    }),
    route(ROUTER_API.serve, async ({ body, signal }) => {
      // Only the token's hash crosses the admin socket and stays in memory.
      const expected = Buffer.from(body.tokenSha256, 'hex');
      const authenticate: Authenticate = async (presented) => (timingSafeEqual(sha256(presented), expected) ? operator() : undefined);
      const gateway = await serveGateway(deps.gatewayRoutes(authenticate), { port: body.port, host: body.host ?? '127.0.0.1' });
      deps.gateways.add(gateway);
      const closed = (): Promise<void> => {
        deps.gateways.delete(gateway);
        return gateway.close();
      };
      async function* lifetime(): AsyncIterable<{ address: string }> {
        try {
          yield { address: gateway.address };
          // The gateway lives as long as the operator's connection.
          if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        } finally {
          await closed();
        }
      }
      return ndjson(lifetime());
    }),
  ];
}

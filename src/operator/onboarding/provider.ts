// The provider step of `octant setup`, in one flow: the API key into the
// vault (injected only into requests to the provider's host, in the header
// its adapter uses), granted to the agents of one manifest, and a router
// deployment on the `default` route that names the key by its grant. The
// manifest then lists the same grant (templates.ts `credential`), so the
// agent's vault token covers it. Every value the provider needs to know is
// a flag; the key itself never is (a file descriptor, a file, stdin or a
// hidden prompt).

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Io } from '../../lib/io.ts';
import { writeLine } from '../../lib/io.ts';
import { admin } from '../../runtime/admin/client.ts';
import type { Paths } from '../../runtime/paths.ts';
import { configPath, loadConfig, resolveProvider, ROUTER_API, saveConfig, validateDeployment } from '../../services/router/api.ts';
import { VAULT_API } from '../../services/vault/api.ts';
import type { RouterConfig } from '../../services/router/api.ts';

export interface ProviderChoice {
  provider: string;
  model: string;
  /** The provider's API base URL (default: the adapter's). */
  baseUrl?: string;
  /** Vault grant name (default `<provider>-key`). */
  credential: string;
  /** Router deployment id (default: the provider's name). */
  deployment: string;
  /** The manifest whose agents may use the key (`manifest:<name>`). */
  manifest: string;
}

/** The vault rule: the adapter's header and prefix, only towards the base URL's host (and port, when not the default). */
export function keyRule(provider: string, baseUrl: string | undefined): { kind: 'header'; name: string; format: string; hosts: string[] } {
  const resolved = resolveProvider(provider);
  const url = new URL(baseUrl ?? resolved.defaultBaseUrl);
  return { kind: 'header', name: resolved.provider.auth.header, format: `${resolved.provider.auth.prefix}{secret}`, hosts: [url.host] };
}

/** Puts the key in the vault (replacing one of the same name), grants it, and saves the deployment; the key is wiped after. */
export async function addProvider(paths: Paths, io: Io, choice: ProviderChoice, key: Buffer): Promise<void> {
  try {
    const rule = keyRule(choice.provider, choice.baseUrl);
    const deployment = validateDeployment({
      id: choice.deployment, provider: choice.provider, model: choice.model, credential: choice.credential,
      ...(choice.baseUrl === undefined ? {} : { baseUrl: choice.baseUrl }),
    }, `deployment ${choice.deployment}`);
    const vault = admin(paths, 'vault');
    const existing = (await vault.call(VAULT_API.list)).some((s) => s.name === choice.credential);
    if (existing) await vault.call(VAULT_API.remove, { name: choice.credential });
    await vault.call(VAULT_API.put, { name: choice.credential, value: key.toString('base64'), rule });
    writeLine(io.stdout, `vault: ${existing ? 'replaced' : 'stored'} ${choice.credential}, injected as ${rule.name} only into requests to ${rule.hosts.join(', ')}`);
    await vault.call(VAULT_API.grant, { name: choice.credential, principal: `manifest:${choice.manifest}` });
    writeLine(io.stdout, `vault: granted ${choice.credential} to the agents of manifest ${choice.manifest}`);

    const config = await loadConfig(paths);
    const route = config.routes.find((r) => r.name === 'default');
    const next: RouterConfig = {
      ...config,
      deployments: [...config.deployments.filter((d) => d.id !== deployment.id), deployment],
      routes: route === undefined
        ? [...config.routes, { name: 'default', deployments: [deployment.id], policy: 'auto' }]
        : config.routes.map((r) => (r.name === 'default' && !r.deployments.includes(deployment.id) ? { ...r, deployments: [deployment.id, ...r.deployments] } : r)),
    };
    await saveConfig(paths, next);
    const reloaded = await admin(paths, 'router').call(ROUTER_API.reload);
    writeLine(io.stdout, `router: deployment ${deployment.id} (${deployment.provider} ${deployment.model}) on route default, saved to ${configPath(paths)}; in force (${reloaded.deployments.length} deployment(s))`);
  } catch (error) {
    if (error instanceof OctantError) throw error;
    throw new OctantError('E_SETUP_PROVIDER', `setup: provider ${choice.provider}: ${(error as Error).message}`, { exit: EXIT.usage, cause: error });
  } finally {
    key.fill(0);
  }
}

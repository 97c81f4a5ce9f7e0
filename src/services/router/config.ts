// The router's configuration: deployments and routes in <etc>/router.yaml.
// Credentials are named vault grants (`credential: openai-key`), never
// values; a field that looks like a key value is refused. With no file (or
// no routes) every chat deployment forms the 'default' route under the
// 'auto' policy: zero configuration.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { writeFileAtomicAsync } from '../../lib/atomic-file.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import { PROVIDER_NAMES } from './providers/index.ts';
import type { BudgetLimits, ChatRequest, Deployment, PolicyName, Route, RouterConfig } from './types.ts';

export const POLICIES: readonly PolicyName[] = ['auto', 'cheapest', 'fastest', 'ordered'];
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const BUDGET_KEYS: readonly (keyof BudgetLimits)[] = ['usdPerRequest', 'usdPerDay', 'usdTotal', 'tokensPerRequest', 'tokensPerDay', 'tokensTotal'];
const SECRET_FIELDS = ['key', 'apiKey', 'api_key', 'token', 'secret', 'password'];

export function configPath(paths: Paths): string {
  return join(paths.etc, 'router.yaml');
}

function fail(field: string, message: string): OctantError {
  return new OctantError('E_ROUTER_CONFIG', `${field}: ${message}`, { exit: EXIT.usage });
}

function num(v: unknown, field: string, fallback: number | undefined, min = 0): number | undefined {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw fail(field, `expects a number >= ${min}`);
  return v;
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail(field, 'expects a mapping');
  return v as Record<string, unknown>;
}

function name(v: unknown, field: string): string {
  if (typeof v !== 'string' || !NAME.test(v)) throw fail(field, 'expects a lowercase name ([a-z0-9._-], up to 64)');
  return v;
}

export function validateDeployment(raw: unknown, field: string): Deployment {
  const d = obj(raw, field);
  for (const s of SECRET_FIELDS) {
    if (s in d) throw new OctantError('E_ROUTER_CONFIG_SECRET', `${field}.${s}: secret values never go in the router configuration`, { exit: EXIT.denied, hint: "store the key in the vault and name its grant in 'credential'" });
  }
  const provider = d.provider;
  if (typeof provider !== 'string' || !PROVIDER_NAMES.includes(provider)) throw fail(`${field}.provider`, `expects one of ${PROVIDER_NAMES.join(', ')}`);
  if (typeof d.model !== 'string' || d.model === '') throw fail(`${field}.model`, 'expects the provider model name');
  const out: Deployment = {
    id: name(d.id, `${field}.id`),
    provider,
    model: d.model,
    price: { input: num(obj(d.price ?? {}, `${field}.price`).input, `${field}.price.input`, 0)!, output: num(obj(d.price ?? {}, `${field}.price`).output, `${field}.price.output`, 0)! },
    contextWindow: num(d.contextWindow, `${field}.contextWindow`, 128_000, 1)!,
    capabilities: { tools: true, vision: false, json: true, ...(d.capabilities === undefined ? {} : capabilities(d.capabilities, `${field}.capabilities`)) },
    tier: (num(d.tier, `${field}.tier`, 2, 1) ?? 2) as 1 | 2 | 3,
  };
  if (![1, 2, 3].includes(out.tier)) throw fail(`${field}.tier`, 'expects 1, 2 or 3');
  if (d.kind !== undefined) {
    if (d.kind !== 'chat' && d.kind !== 'embedding') throw fail(`${field}.kind`, "expects 'chat' or 'embedding'");
    out.kind = d.kind;
  }
  if (d.baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(String(d.baseUrl));
    } catch {
      throw fail(`${field}.baseUrl`, 'expects an http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`${field}.baseUrl`, 'expects an http(s) URL');
    if (url.username !== '' || url.password !== '' || url.search !== '') throw new OctantError('E_ROUTER_CONFIG_SECRET', `${field}.baseUrl: credentials and query strings are not allowed in a URL`, { exit: EXIT.denied, hint: "name a vault grant in 'credential'" });
    out.baseUrl = String(d.baseUrl);
  }
  if (d.credential !== undefined) out.credential = name(d.credential, `${field}.credential`);
  for (const k of ['rpm', 'tpm', 'timeoutMs'] as const) if (d[k] !== undefined) out[k] = num(d[k], `${field}.${k}`, undefined, 1);
  return out;
}

function capabilities(raw: unknown, field: string): Partial<Deployment['capabilities']> {
  const c = obj(raw, field);
  const out: Partial<Deployment['capabilities']> = {};
  for (const k of ['tools', 'vision', 'json'] as const) {
    if (c[k] === undefined) continue;
    if (typeof c[k] !== 'boolean') throw fail(`${field}.${k}`, 'expects true or false');
    out[k] = c[k];
  }
  return out;
}

export function validateBudget(raw: unknown, field: string): BudgetLimits {
  const b = obj(raw, field);
  const out: BudgetLimits = {};
  for (const [k, v] of Object.entries(b)) {
    if (!BUDGET_KEYS.includes(k as keyof BudgetLimits)) throw fail(`${field}.${k}`, `unknown budget; one of ${BUDGET_KEYS.join(', ')}`);
    out[k as keyof BudgetLimits] = num(v, `${field}.${k}`, undefined);
  }
  return out;
}

export function validateConfig(raw: unknown): RouterConfig {
  const c = raw === null || raw === undefined ? {} : obj(raw, 'router');
  const deployments = ((c.deployments ?? []) as unknown[]).map((d, i) => validateDeployment(d, `deployments[${i}]`));
  if (!Array.isArray(c.deployments ?? [])) throw fail('deployments', 'expects a list');
  const ids = new Set<string>();
  for (const d of deployments) {
    if (ids.has(d.id)) throw fail(`deployments.${d.id}`, 'duplicate id');
    ids.add(d.id);
  }
  const routes = ((c.routes ?? []) as unknown[]).map((raw, i): Route => {
    const r = obj(raw, `routes[${i}]`);
    const list = r.deployments;
    if (!Array.isArray(list) || list.length === 0) throw fail(`routes[${i}].deployments`, 'expects a non-empty list of deployment ids');
    for (const id of list) if (!ids.has(id as string)) throw fail(`routes[${i}].deployments`, `unknown deployment '${String(id)}'`);
    const policy = (r.policy ?? 'auto') as PolicyName;
    if (!POLICIES.includes(policy)) throw fail(`routes[${i}].policy`, `expects one of ${POLICIES.join(', ')}`);
    const route: Route = { name: name(r.name, `routes[${i}].name`), deployments: list as string[], policy };
    if (r.budget !== undefined) route.budget = validateBudget(r.budget, `routes[${i}].budget`);
    return route;
  });
  const out: RouterConfig = { deployments, routes };
  if (c.defaultRoute !== undefined) {
    out.defaultRoute = name(c.defaultRoute, 'defaultRoute');
    if (!routes.some((r) => r.name === out.defaultRoute)) throw fail('defaultRoute', `no route named '${out.defaultRoute}'`);
  }
  return out;
}

export async function loadConfig(paths: Paths): Promise<RouterConfig> {
  let text: string;
  try {
    text = await readFile(configPath(paths), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { deployments: [], routes: [] };
    throw error;
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error) {
    throw new OctantError('E_ROUTER_CONFIG', `${configPath(paths)}: not valid YAML (${(error as Error).message})`, { exit: EXIT.usage });
  }
  return validateConfig(raw);
}

/** Write atomically (temp file + rename) so a crash never leaves half a file. */
export async function saveConfig(paths: Paths, config: RouterConfig): Promise<void> {
  validateConfig(JSON.parse(JSON.stringify(config)));
  await mkdir(paths.etc, { recursive: true });
  await writeFileAtomicAsync(configPath(paths), `# OctantOS router: deployments and routes (credentials are vault grant names)\n${YAML.stringify(config)}`, { mode: 0o644 });
}

export interface ResolvedRoute {
  route: Route;
  deployments: Deployment[];
  /** How the request's model name was matched. */
  matched: string;
}

/**
 * Exactly the embedding deployment `id` as a route of one (EmbedOptions
 * exactDeployment): never a route, a model name or the default route, so
 * text meant for one provider cannot reach another.
 */
export function exactEmbeddingDeployment(config: RouterConfig, id: string): ResolvedRoute {
  const dep = config.deployments.find((d) => d.id === id);
  if (dep === undefined || (dep.kind ?? 'chat') !== 'embedding') {
    throw new OctantError('E_ROUTER_UNAVAILABLE', `no embedding deployment '${id}'${dep === undefined ? '' : ` (it is a ${dep.kind ?? 'chat'} deployment)`}`, { exit: EXIT.unavailable, hint: "add one with 'octant router add ... --kind embedding'" });
  }
  return { route: { name: `deployment:${dep.id}`, deployments: [dep.id], policy: 'ordered' }, deployments: [dep], matched: `deployment ${dep.id}` };
}

/** A request's `model` names a route, a deployment id or a provider model; else the default route. */
export function resolveRoute(config: RouterConfig, request: Pick<ChatRequest, 'model'>, kind: 'chat' | 'embedding' = 'chat'): ResolvedRoute {
  const byId = new Map(config.deployments.map((d) => [d.id, d]));
  const ofKind = (list: Deployment[]): Deployment[] => list.filter((d) => (d.kind ?? 'chat') === kind);
  const model = request.model ?? '';
  const route = config.routes.find((r) => r.name === model);
  if (route !== undefined) return { route, deployments: ofKind(route.deployments.map((id) => byId.get(id)!)), matched: `route ${route.name}` };
  const dep = byId.get(model);
  if (dep !== undefined) return { route: { name: `deployment:${dep.id}`, deployments: [dep.id], policy: 'ordered' }, deployments: ofKind([dep]), matched: `deployment ${dep.id}` };
  const sameModel = config.deployments.filter((d) => d.model === model);
  if (model !== '' && sameModel.length > 0) return { route: { name: `model:${model}`, deployments: sameModel.map((d) => d.id), policy: 'ordered' }, deployments: ofKind(sameModel), matched: `model ${model}` };
  const def = config.routes.find((r) => r.name === (config.defaultRoute ?? 'default'));
  if (def !== undefined) return { route: def, deployments: ofKind(def.deployments.map((id) => byId.get(id)!)), matched: `default route ${def.name}` };
  const all = ofKind(config.deployments);
  return { route: { name: 'default', deployments: all.map((d) => d.id), policy: 'auto' }, deployments: all, matched: 'zero-configuration default' };
}

// octant router add|list|test|explain: manage the LLM router's deployments
// and routes (<etc>/router.yaml) and see why it would pick what it picks.

import { parseCommandArgs, boolFlag, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/io.ts';
import { resolvePaths } from '../../runtime/paths.ts';
import { configPath, createRouter, loadConfig, POLICIES, resolveProvider, saveConfig, validateDeployment } from '../../services/router/index.ts';
import type { ChatRequest, PolicyName, RouterConfig } from '../../services/router/types.ts';
import type { Command } from './command.ts';

const USAGE = `usage: octant router <subcommand> [options]

  add <id> --provider P --model M [--base-url URL] [--credential GRANT]
           [--price-in USD_PER_M] [--price-out USD_PER_M] [--context TOKENS]
           [--tier 1|2|3] [--caps tools,vision,json] [--kind chat|embedding]
           [--rpm N] [--tpm N] [--timeout-ms N] [--route NAME [--policy auto|cheapest|fastest|ordered]]
      add (or replace) a deployment; --route also appends it to that route
  list [--json]                 deployments and routes
  test <id> [--prompt TEXT]     send one request to a deployment and show the answer
  explain [--prompt TEXT] [--model NAME] [--tools] [--image] [--json-mode] [--max-tokens N] [--json]
      show the candidates, scores, winner and reason for a request

Credentials are vault grant names (--credential openai-key), never key values.`;

function numberFlag(parsed: Parsed, name: string): number | undefined {
  const v = stringFlag(parsed, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw usageError(`router: --${name} expects a number, got '${v}'`);
  return n;
}

async function add(argv: string[], rootFlag: string | undefined, io: Parameters<Command['run']>[1]['io']): Promise<number> {
  const parsed = parseCommandArgs('router add', argv, {
    provider: { type: 'string' }, model: { type: 'string' }, 'base-url': { type: 'string' }, credential: { type: 'string' },
    'price-in': { type: 'string' }, 'price-out': { type: 'string' }, context: { type: 'string' }, tier: { type: 'string' },
    caps: { type: 'string' }, kind: { type: 'string' }, rpm: { type: 'string' }, tpm: { type: 'string' }, 'timeout-ms': { type: 'string' },
    route: { type: 'string' }, policy: { type: 'string' },
  });
  const id = requirePositional(parsed, 0, 'deployment id', 'router add');
  const paths = resolvePaths({ rootFlag });
  const config = await loadConfig(paths);
  const caps = stringFlag(parsed, 'caps');
  const capList = caps === undefined ? undefined : caps.split(',').map((c) => c.trim()).filter((c) => c !== '');
  for (const c of capList ?? []) if (!['tools', 'vision', 'json'].includes(c)) throw usageError(`router add: --caps: unknown capability '${c}' (tools, vision, json)`);
  const raw: Record<string, unknown> = {
    id,
    provider: stringFlag(parsed, 'provider'),
    model: stringFlag(parsed, 'model'),
    price: { input: numberFlag(parsed, 'price-in') ?? 0, output: numberFlag(parsed, 'price-out') ?? 0 },
    contextWindow: numberFlag(parsed, 'context'),
    tier: numberFlag(parsed, 'tier'),
    baseUrl: stringFlag(parsed, 'base-url'),
    credential: stringFlag(parsed, 'credential'),
    kind: stringFlag(parsed, 'kind'),
    rpm: numberFlag(parsed, 'rpm'),
    tpm: numberFlag(parsed, 'tpm'),
    timeoutMs: numberFlag(parsed, 'timeout-ms'),
    capabilities: capList === undefined ? undefined : { tools: capList.includes('tools'), vision: capList.includes('vision'), json: capList.includes('json') },
  };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  const dep = validateDeployment(raw, `deployment ${id}`);
  const next: RouterConfig = { ...config, deployments: [...config.deployments.filter((d) => d.id !== id), dep] };
  const routeName = stringFlag(parsed, 'route');
  if (routeName !== undefined) {
    const policy = (stringFlag(parsed, 'policy') ?? 'auto') as PolicyName;
    if (!POLICIES.includes(policy)) throw usageError(`router add: --policy expects one of ${POLICIES.join(', ')}`);
    const existing = next.routes.find((r) => r.name === routeName);
    next.routes = existing === undefined
      ? [...next.routes, { name: routeName, deployments: [id], policy }]
      : next.routes.map((r) => (r.name === routeName ? { ...r, deployments: r.deployments.includes(id) ? r.deployments : [...r.deployments, id], policy: stringFlag(parsed, 'policy') === undefined ? r.policy : policy } : r));
  }
  await saveConfig(paths, next);
  io.stdout.write(`deployment ${id} (${dep.provider} ${dep.model}) saved to ${configPath(paths)}${routeName ? `, route ${routeName}` : ''}\n`);
  return EXIT.ok;
}

async function list(argv: string[], rootFlag: string | undefined, io: Parameters<Command['run']>[1]['io']): Promise<number> {
  const parsed = parseCommandArgs('router list', argv, { json: { type: 'boolean' } }, false);
  const config = await loadConfig(resolvePaths({ rootFlag }));
  if (boolFlag(parsed, 'json')) {
    writeJson(io.stdout, config);
    return EXIT.ok;
  }
  if (config.deployments.length === 0) io.stdout.write("no deployments (add one with 'octant router add')\n");
  for (const d of config.deployments) {
    const caps = Object.entries(d.capabilities).filter(([, v]) => v).map(([k]) => k).join(',') || '-';
    io.stdout.write(`${d.id}\t${d.provider}\t${d.model}\ttier ${d.tier}\t$${d.price.input}/$${d.price.output} per M\tctx ${d.contextWindow}\t${caps}\t${d.credential ?? 'no credential'}${d.kind === 'embedding' ? '\tembedding' : ''}\n`);
  }
  for (const r of config.routes) io.stdout.write(`route ${r.name} (${r.policy}): ${r.deployments.join(' -> ')}${r.budget ? ` budget ${JSON.stringify(r.budget)}` : ''}\n`);
  if (config.routes.length === 0 && config.deployments.length > 0) io.stdout.write('route default (auto, zero configuration): every chat deployment\n');
  return EXIT.ok;
}

async function probe(argv: string[], rootFlag: string | undefined, io: Parameters<Command['run']>[1]['io']): Promise<number> {
  const parsed = parseCommandArgs('router test', argv, { prompt: { type: 'string' } });
  const id = requirePositional(parsed, 0, 'deployment id', 'router test');
  const config = await loadConfig(resolvePaths({ rootFlag }));
  const dep = config.deployments.find((d) => d.id === id);
  if (dep === undefined) throw new OctantError('E_ROUTER_DEPLOYMENT', `router test: no deployment '${id}'`, { exit: EXIT.usage, hint: "see 'octant router list'" });
  if (dep.credential !== undefined) {
    // The CLI holds no secrets; a keyed deployment is probed by the running router.
    throw new OctantError('E_ROUTER_VAULT', `router test: deployment '${id}' uses credential '${dep.credential}', which only the running vault can inject`, { exit: EXIT.unavailable, hint: 'start the system (octant up) and probe through the gateway' });
  }
  const { provider, defaultBaseUrl } = resolveProvider(dep.provider);
  const request: ChatRequest = { model: dep.model, messages: [{ role: 'user', content: stringFlag(parsed, 'prompt') ?? 'Reply with the single word: ok' }], maxTokens: 32 };
  const start = performance.now();
  const { response } = await provider.chat(request, {
    baseUrl: dep.baseUrl ?? defaultBaseUrl,
    model: dep.model,
    caller: { agent: 'operator', lineage: [] },
    injector: { inject: async () => { throw new OctantError('E_ROUTER_VAULT', 'no vault in the CLI'); } },
    signal: AbortSignal.timeout(dep.timeoutMs ?? 30_000),
    timeoutMs: dep.timeoutMs ?? 30_000,
  });
  io.stdout.write(`${id}: ${JSON.stringify(response.content)} (${response.usage.promptTokens}+${response.usage.completionTokens} tokens, ${Math.round(performance.now() - start)} ms)\n`);
  return EXIT.ok;
}

async function explain(argv: string[], rootFlag: string | undefined, io: Parameters<Command['run']>[1]['io']): Promise<number> {
  const parsed = parseCommandArgs('router explain', argv, { prompt: { type: 'string' }, model: { type: 'string' }, tools: { type: 'boolean' }, image: { type: 'boolean' }, 'json-mode': { type: 'boolean' }, 'max-tokens': { type: 'string' }, json: { type: 'boolean' } }, false);
  const config = await loadConfig(resolvePaths({ rootFlag }));
  const text = stringFlag(parsed, 'prompt') ?? 'hello';
  const request: ChatRequest = {
    model: stringFlag(parsed, 'model') ?? '',
    messages: [{ role: 'user', content: boolFlag(parsed, 'image') ? [{ type: 'text', text }, { type: 'image', url: 'data:image/png;base64,' }] : text }],
  };
  if (boolFlag(parsed, 'tools')) request.tools = [{ name: 'tool', parameters: { type: 'object' } }];
  if (boolFlag(parsed, 'json-mode')) request.responseFormat = 'json';
  const max = numberFlag(parsed, 'max-tokens');
  if (max !== undefined) request.maxTokens = max;
  // A router with no ledger calls: explain decides, it never calls a provider.
  const router = createRouter({ config, injector: { inject: async (_g, r) => r }, ledger: { append: async () => { throw new Error('explain does not append'); }, seal: async () => { throw new Error('explain does not seal'); } } });
  const d = router.explain(request);
  if (boolFlag(parsed, 'json')) {
    writeJson(io.stdout, d);
    return EXIT.ok;
  }
  io.stdout.write(`route ${d.route} (policy ${d.policy}); request: ${d.complexity}, ~${d.estimatedPromptTokens} prompt tokens\n`);
  for (const c of d.candidates) io.stdout.write(`  ${c.eligible ? `${String(c.score).padStart(7)}` : ' skipped'}  ${c.deployment.padEnd(16)} ${c.reason}\n`);
  io.stdout.write(`winner: ${d.winner ?? 'none'}; ${d.reason}\n`);
  return d.winner === undefined ? EXIT.unavailable : EXIT.ok;
}

const SUBCOMMANDS: Record<string, (argv: string[], rootFlag: string | undefined, io: Parameters<Command['run']>[1]['io']) => Promise<number>> = { add, explain, list, test: probe };

export const command: Command = {
  name: 'router',
  summary: 'manage LLM deployments and routes; explain routing decisions',
  usage: USAGE,
  async run(argv, { io, rootFlag }) {
    const [sub, ...rest] = argv;
    const fn = sub === undefined ? undefined : SUBCOMMANDS[sub];
    if (fn === undefined) throw usageError(sub === undefined ? 'router: missing subcommand' : `router: unknown subcommand '${sub}'`, 'one of: add, list, test, explain');
    return fn(rest, rootFlag, io);
  },
};

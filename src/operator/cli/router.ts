// octant router add|list|test|explain|serve: manage the LLM router's
// deployments and routes (<etc>/router.yaml), see why it would pick what it
// picks, probe a deployment, and open an operator gateway on a TCP port.

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { boolFlag, numberFlag as numberOf, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { EXIT, OctantError, usageError, type ExitCode } from '../../lib/errors.ts';
import { writeJson, type Io } from '../../lib/io.ts';
import { admin } from '../../runtime/admin/client.ts';
import { adminSocketPath, type Paths } from '../../runtime/paths.ts';
import { openLedger } from '../../services/ledger/api.ts';
import { configPath, createRouter, loadConfig, OPERATOR_AGENT, POLICIES, ROUTER_API, saveConfig, validateDeployment } from '../../services/router/api.ts';
import type { PolicyName, RouterConfig } from '../../services/router/api.ts';
import { Redactor } from '../../services/vault/api.ts';
import type { Command, CommandContext } from './command.ts';
import { explainAction } from './router-explain.ts';
import { runningOrOffline } from './running-system.ts';

const NOTES = `add and rm save etc/router.yaml and, on a running system, put it in force at
once (the change is recorded in the ledger first); otherwise at the next boot.
Credentials are vault grant names (--credential openai-key), never key values.
test and serve call providers as agent 'operator': grant it the keys they may
use with 'octant vault grant <secret> --agent operator'.`;

const numberFlag = (parsed: Parsed, name: string): number | undefined => numberOf(parsed, name, 'router');

async function add(parsed: Parsed, { io, paths: layout }: CommandContext): Promise<number> {
  const id = requirePositional(parsed, 0, 'deployment id', 'router add');
  const paths = layout();
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
  return putInForce(paths, io);
}

async function remove(parsed: Parsed, { io, paths: layout }: CommandContext): Promise<number> {
  const id = requirePositional(parsed, 0, 'deployment id', 'router rm');
  const paths = layout();
  const config = await loadConfig(paths);
  if (!config.deployments.some((d) => d.id === id)) {
    throw new OctantError('E_ROUTER_DEPLOYMENT', `router rm: no deployment '${id}' in ${configPath(paths)}`, { exit: EXIT.usage, hint: "see 'octant router list'" });
  }
  const routes = config.routes.map((r) => ({ ...r, deployments: r.deployments.filter((d) => d !== id) }));
  const emptied = routes.filter((r) => r.deployments.length === 0).map((r) => r.name);
  await saveConfig(paths, { ...config, deployments: config.deployments.filter((d) => d.id !== id), routes: routes.filter((r) => r.deployments.length > 0) });
  io.stdout.write(`deployment ${id} removed from ${configPath(paths)}${emptied.length > 0 ? `; route(s) left empty and removed: ${emptied.join(', ')}` : ''}\n`);
  return putInForce(paths, io);
}

/** After a saved change: the running router reads the file again (POST /v1/router/reload); no system, next boot. */
async function putInForce(paths: Paths, io: Io): Promise<number> {
  // No system, or one without a router: the file is read at the next boot.
  io.stdout.write(await runningOrOffline(async () => {
    const r = await admin(paths, 'router').call(ROUTER_API.reload);
    return `in force in the running router: ${r.deployments.length} deployment(s), ${r.routes.length} route(s)\n`;
  }, async () => 'no running router: in force from the next boot\n', ['E_ADMIN_NOT_FOUND']));
  return EXIT.ok;
}

async function list(parsed: Parsed, { io, paths }: CommandContext): Promise<number> {
  const config = await loadConfig(paths());
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

async function probe(parsed: Parsed, { io, paths: layout }: CommandContext): Promise<number> {
  const id = requirePositional(parsed, 0, 'deployment id', 'router test');
  const paths = layout();
  const prompt = stringFlag(parsed, 'prompt');
  const line = await runningOrOffline(async () => {
    // The running system probes through its router: ledger, budget and the vault's key.
    const r = await admin(paths, 'router').call(ROUTER_API.test, { deployment: id, prompt });
    return `${id}: ${JSON.stringify(r.content)} (${r.usage.promptTokens}+${r.usage.completionTokens} tokens, ${r.ms} ms, through the running system)`;
  }, () => probeHere(paths, id, prompt));
  io.stdout.write(`${line}\n`);
  return EXIT.ok;
}

/**
 * No system: the same router code as the running one, in this process, on
 * the ledger opened directly: the decision and the outcome are recorded
 * first, budgets hold, and no vault means no credential to inject.
 */
async function probeHere(paths: Paths, id: string, prompt: string | undefined): Promise<string> {
  const config = await loadConfig(paths);
  const dep = config.deployments.find((d) => d.id === id);
  if (dep === undefined) throw new OctantError('E_ROUTER_DEPLOYMENT', `router test: no deployment '${id}'`, { exit: EXIT.usage, hint: "see 'octant router list'" });
  if (dep.credential !== undefined) {
    // The CLI holds no secrets; a keyed deployment is probed by the running router.
    throw new OctantError('E_ROUTER_VAULT', `router test: deployment '${id}' uses credential '${dep.credential}', which only the running vault can inject`, { exit: EXIT.unavailable, hint: "start the system ('octant up'): router test then runs through it" });
  }
  if ((dep.kind ?? 'chat') !== 'chat') throw usageError(`router test: deployment '${id}' serves embeddings; only chat deployments can be tested`);
  const ledger = await openLedger(paths);
  const router = createRouter({ config, ledger, injector: { inject: async () => { throw new OctantError('E_ROUTER_VAULT', 'no vault in the CLI'); }, redaction: new Redactor() } });
  try {
    const start = performance.now();
    const response = await router.chat({ model: id, messages: [{ role: 'user', content: prompt ?? 'Reply with the single word: ok' }], maxTokens: 32 }, { agent: OPERATOR_AGENT, lineage: [] });
    return `${id}: ${JSON.stringify(response.content)} (${response.usage.promptTokens}+${response.usage.completionTokens} tokens, ${Math.round(performance.now() - start)} ms)`;
  } finally {
    router.close();
    await ledger.close();
  }
}

/** Read the gateway token from a file only the owner can read; the token never appears in argv or env. */
export async function readTokenFile(file: string): Promise<string> {
  let mode: number;
  let text: string;
  try {
    mode = (await stat(file)).mode;
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw new OctantError('E_ROUTER_TOKEN_FILE', `--token-file ${file}: ${(error as Error).message}`, { exit: EXIT.usage });
  }
  if ((mode & 0o077) !== 0) throw new OctantError('E_ROUTER_TOKEN_FILE', `--token-file ${file}: readable by group or others (mode ${(mode & 0o777).toString(8)})`, { exit: EXIT.denied, hint: `chmod 600 ${file}` });
  if (text.length < 16 || /\s/.test(text)) throw new OctantError('E_ROUTER_TOKEN_FILE', `--token-file ${file}: expects one token of at least 16 characters without spaces`, { exit: EXIT.usage, hint: `e.g. head -c 32 /dev/urandom | base64 > ${file}` });
  return text;
}

export interface ServeOptions {
  port: number;
  host?: string;
  tokenFile: string;
}

/**
 * Ask the running system's router to serve a TCP gateway for as long as this
 * call holds its admin connection; resolves when `signal` aborts or the system
 * ends the gateway. `ready` gets the gateway's address.
 */
export async function serveThroughSystem(paths: Paths, options: ServeOptions, signal: AbortSignal, ready: (address: string) => void): Promise<'stopped' | 'system ended'> {
  const token = await readTokenFile(options.tokenFile);
  // Only the token's SHA-256 leaves this process.
  const payload = JSON.stringify({ port: options.port, host: options.host, tokenSha256: createHash('sha256').update(token, 'utf8').digest('hex') });
  const { request } = process.getBuiltinModule('node:http');
  const socketPath = adminSocketPath(paths);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ agent: false, socketPath, method: 'POST', path: '/v1/router/serve', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, resolve);
    req.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
      ? new OctantError('E_NOT_RUNNING', `no OctantOS system answers on ${socketPath}`, { exit: EXIT.unavailable, hint: "router serve runs the gateway inside the system (ledger, vault): start it with 'octant up'" })
      : error));
    req.end(payload);
  });
  const lines = createInterface({ input: res, crlfDelay: Infinity })[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    const value = first.done ? undefined : (JSON.parse(first.value) as { address?: string; error?: { code?: string; message?: string; hint?: string; exit?: number } });
    if ((res.statusCode ?? 0) > 299 || value?.address === undefined) {
      const e = value?.error;
      throw new OctantError(e?.code ?? 'E_ROUTER_SERVE', e?.message ?? `router serve: the system answered ${res.statusCode}`, { hint: e?.hint, exit: (e?.exit ?? EXIT.failure) as ExitCode });
    }
    ready(value.address);
    if (signal.aborted) return 'stopped';
    const ended = new Promise<'system ended'>((resolve) => res.once('close', () => resolve('system ended')));
    const stopped = new Promise<'stopped'>((resolve) => signal.addEventListener('abort', () => resolve('stopped'), { once: true }));
    return await Promise.race([ended, stopped]);
  } finally {
    // Closing the admin connection is what closes the gateway.
    res.destroy();
  }
}

async function serve(parsed: Parsed, { io, paths }: CommandContext): Promise<number> {
  const port = numberFlag(parsed, 'port');
  if (port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) throw usageError('router serve: --port expects an integer 0-65535');
  const tokenFile = stringFlag(parsed, 'token-file');
  if (tokenFile === undefined) throw usageError('router serve: --token-file is required (the token is never taken from argv or the environment)');
  const host = stringFlag(parsed, 'host') ?? '127.0.0.1';
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const why = await serveThroughSystem(paths(), { port, host, tokenFile }, abort.signal, (address) => {
      io.stdout.write(`router gateway on ${address}/v1 (token from ${tokenFile}); interrupt to stop\n`);
    });
    io.stdout.write(why === 'stopped' ? 'router gateway stopped\n' : 'router gateway closed by the system\n');
    return why === 'stopped' ? EXIT.ok : EXIT.unavailable;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

const num = (value: string, help: string) => ({ type: 'string', value, help }) as const;

export const command: Command = {
  name: 'router',
  summary: 'manage LLM deployments and routes; explain routing decisions; serve a gateway',
  notes: NOTES,
  subcommands: [
    {
      name: 'add',
      summary: 'add (or replace) a deployment; --route also appends it to that route',
      synopsis: ['ID --provider P --model M [--base-url URL] [--credential GRANT] [options]'],
      options: {
        provider: { type: 'string', value: 'P', help: 'openai, anthropic, openai-responses, vllm, ollama, ... (required)' },
        model: { type: 'string', value: 'M', help: "the provider's model name (required)" },
        'base-url': { type: 'string', value: 'URL', help: "the provider's API base (default: the provider's own)" },
        credential: { type: 'string', value: 'GRANT', help: 'the vault secret injected into its requests (a name, never a key)' },
        'price-in': num('USD_PER_M', 'price of a million prompt tokens'),
        'price-out': num('USD_PER_M', 'price of a million completion tokens'),
        context: num('TOKENS', 'context window'),
        tier: num('1|2|3', 'quality tier'),
        caps: { type: 'string', value: 'LIST', help: 'capabilities: tools,vision,json' },
        kind: { type: 'string', value: 'chat|embedding', help: 'what it serves (default chat)' },
        rpm: num('N', 'requests per minute it allows'),
        tpm: num('N', 'tokens per minute it allows'),
        'timeout-ms': num('N', 'give up on a request after N ms'),
        route: { type: 'string', value: 'NAME', help: 'also append it to this route' },
        policy: { type: 'string', value: 'POLICY', help: `the route's policy: ${POLICIES.join(', ')}` },
      },
      run: add,
    },
    {
      name: 'rm',
      summary: 'remove a deployment (and from every route; a route left empty goes too)',
      synopsis: ['ID'],
      options: {},
      run: remove,
    },
    {
      name: 'list',
      summary: 'deployments and routes',
      options: { json: { type: 'boolean', help: 'print the configuration as JSON' } },
      positionals: false,
      run: list,
    },
    {
      name: 'test',
      summary: 'send one request to a deployment and show the answer (through the running system, which injects the key)',
      synopsis: ['ID [--prompt TEXT]'],
      options: { prompt: { type: 'string', value: 'TEXT', help: 'what to send (default: ask for the single word ok)' } },
      run: probe,
    },
    {
      name: 'serve',
      summary: 'an OpenAI/Anthropic-compatible gateway on a TCP port; runs until interrupted',
      synopsis: ['--port N [--host 127.0.0.1] --token-file F'],
      options: {
        port: num('N', 'the TCP port (0: any free one)'),
        host: { type: 'string', value: 'HOST', help: 'the address to listen on (default 127.0.0.1)' },
        'token-file': { type: 'string', value: 'F', help: 'the token clients present, in a file only the owner can read (required)' },
      },
      positionals: false,
      run: serve,
    },
    explainAction,
  ],
};

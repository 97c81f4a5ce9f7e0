// The example agent `octant up` (and `npm start`) runs, so a fresh machine
// shows what the system does with no LLM provider configured. The agent's
// program is a fixed script run by the built-in loop, in a real sandbox,
// through its gateway: it lists and reads granted files, is refused a file
// outside its manifest, calls an allowlisted local HTTP service with a
// credential the vault injects (the agent only holds a placeholder), and
// writes a summary. Then the ledger is verified and the story printed.

import { createPublicKey, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { writeLine, type Io } from '../lib/io.ts';
import { messageOf } from '../lib/errors.ts';
import { requireLandlock } from '../kernel/landlock/require-landlock.ts';
import { admin } from '../runtime/admin/client.ts';
import { VAULT_API } from '../services/vault/api.ts';
import { AGENTS_API } from '../agent/lifecycle/agents-api.ts';
import type { Paths } from '../runtime/paths.ts';
import { addTrustedKey, generateOperatorKey, keysDir, loadPrivateKey, loadTrustStore, parseManifestText, signManifest, validateSchema, keyIdOf } from '../agent/manifest/index.ts';
import { agentReport, storyLines, summaryLines, type AgentReport } from './agent-report.ts';

const SECRET_NAME = 'demo-service-key';

/**
 * Why the example cannot run here (bubblewrap, onboarding/bubblewrap.ts
 * offers to install it first; Landlock), or undefined. Root is not needed:
 * an ordinary user's agents run rootless (docs/isolation.md "Running
 * without root"), and where their limits cannot be enforced the start is
 * refused with the reason unless the operator accepted that.
 */
export function demoUnavailable(): string | undefined {
  // The launcher runs /usr/bin/bwrap (Debian's bubblewrap).
  if (!existsSync('/usr/bin/bwrap')) return 'bubblewrap is not installed (apt-get install bubblewrap)';
  try {
    requireLandlock();
  } catch (error) {
    return messageOf(error);
  }
  return undefined;
}

export interface DemoResult {
  report: AgentReport;
  /** Whether the vault could inject the credential (it needs an unsealed vault). */
  credential: boolean;
  serviceSawCredential: boolean;
}

/** The operator key the demo signs with: created and trusted on first use. */
function operatorKey(paths: Paths): string {
  const path = join(keysDir(paths), 'private', 'operator.key');
  if (!existsSync(path)) generateOperatorKey(paths, 'operator');
  const key = loadPrivateKey(path);
  const publicKey = createPublicKey(key);
  if (loadTrustStore(paths).find(keyIdOf(publicKey)) === undefined) addTrustedKey(paths, publicKey, 'operator');
  return path;
}

/** Make sure the vault can serve the demo: initialise it with a key file on first run, unseal it with that file. */
async function readyVault(paths: Paths): Promise<boolean> {
  const keyFile = join(paths.etc, 'vault.key');
  const vault = admin(paths, 'vault');
  let status = await vault.call(VAULT_API.status);
  if (!status.initialized) {
    // A throwaway passphrase: this vault unseals with its key file (0600);
    // production vaults use a passphrase or Shamir shares (docs/vault.md).
    const passphrase = randomBytes(32).toString('base64');
    await vault.call(VAULT_API.init, { passphrase: Buffer.from(passphrase).toString('base64'), keyFile });
    status = await vault.call(VAULT_API.status);
  }
  if (status.sealed && existsSync(keyFile)) status = await vault.call(VAULT_API.unseal, { keyFile });
  return !status.sealed;
}

function demoManifest(dir: string, port: number, credential: boolean): string {
  return `version: 1
identity:
  name: demo-agent
  operator: operator@localhost
  description: The example agent of octant up.
filesystem:
  read: [${join(dir, 'data')}]
  write: []
network:
  destinations:
    - { host: 127.0.0.1/32, ports: ${port}, protocol: http }
# The in-sandbox bridge to the egress proxy listens on loopback: @network-server.
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
processes:
  exec: []
resources:
  cpu: 1
  memory: 512MiB
  ioBandwidth: 20MiB/s
  pids: 64
  networkThroughput: 1MiB/s
credentials: [${credential ? SECRET_NAME : ''}]
skills: []
spawning:
  allowed: false
lifetime:
  ttl: 10m
governance:
  critical: []
`;
}

/**
 * The example workspace: a directory the agent's unprivileged uid can
 * reach, as an operator would prepare one (docs/isolation.md "The agent's
 * uid"). The private state root is closed to agents (0700, often under a
 * home directory), so the workspace lives in the system's temp directory,
 * world-traversable, and goes when the demo ends.
 */
function demoWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'octant-demo-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'data'), { mode: 0o755 });
  mkdirSync(join(dir, 'private'), { mode: 0o700 });
  writeFileSync(join(dir, 'data', 'report.txt'), 'Quarterly figures: revenue 42, costs 17.\n', { mode: 0o644 });
  writeFileSync(join(dir, 'private', 'salaries.txt'), 'not for agents\n', { mode: 0o600 });
  return dir;
}

export async function runDemo(paths: Paths, io: Io, acceptUnenforcedLimits = false): Promise<DemoResult> {
  const dir = demoWorkspace();

  // A local service that wants a credential, like any API would.
  const value = `demo-${randomBytes(16).toString('hex')}`;
  let sawCredential = false;
  const service: Server = createServer((req, res) => {
    sawCredential ||= req.headers.authorization === `Bearer ${value}`;
    res.writeHead(sawCredential ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(sawCredential ? { forecast: 'sunny', temperature: 21 } : { error: 'missing credential' }));
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', () => resolve()));
  const port = (service.address() as AddressInfo).port;
  try {
    const credential = await readyVault(paths);
    if (credential) {
      const vault = admin(paths, 'vault');
      const existing = (await vault.call(VAULT_API.list)).some((s) => s.name === SECRET_NAME);
      if (existing) await vault.call(VAULT_API.remove, { name: SECRET_NAME });
      await vault.call(VAULT_API.put, {
        name: SECRET_NAME, value: Buffer.from(value).toString('base64'),
        rule: { kind: 'header', name: 'Authorization', format: 'Bearer {secret}', hosts: [`127.0.0.1:${port}`] },
      });
      await vault.call(VAULT_API.grant, { name: SECRET_NAME, principal: 'manifest:demo-agent' });
    } else {
      writeLine(io.stdout, 'demo: the vault is sealed, so the credential step runs without a secret (octant vault unseal).');
    }

    const key = loadPrivateKey(operatorKey(paths));
    const signed = signManifest(validateSchema(parseManifestText(demoManifest(dir, port, credential), 'demo-agent.yaml')), key);
    const script = [
      { tool: 'fs.list', args: { path: join(dir, 'data') } },
      { tool: 'fs.read', args: { path: join(dir, 'data', 'report.txt') } },
      { tool: 'fs.read', args: { path: join(dir, 'private', 'salaries.txt') } },
      { tool: 'http.fetch', args: { url: `http://127.0.0.1:${port}/forecast`, headers: credential ? { authorization: `Bearer octant-secret:${SECRET_NAME}` } : {} } },
      { tool: 'fs.write', args: { path: '/scratch/summary.txt', content: 'revenue 42, costs 17; forecast sunny' } },
    ];
    writeLine(io.stdout, 'demo: running an example agent (a fixed script; no LLM provider needed)...');
    const started = await admin(paths, 'agents').call(AGENTS_API.run, {
      manifest: JSON.stringify(signed), origin: 'demo-agent', task: { task: 'Summarise the quarterly report and the forecast.', script },
      ...(acceptUnenforcedLimits ? { acceptUnenforcedLimits } : {}),
    });
    const ended = await admin(paths, 'agents').call(AGENTS_API.wait, { aid: started.aid });
    const report = agentReport(paths, ended);
    return { report, credential, serviceSawCredential: sawCredential };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    service.closeAllConnections();
    await new Promise<void>((resolve) => service.close(() => resolve()));
  }
}

export function printDemo(io: Io, result: DemoResult, root: string): void {
  const { report } = result;
  writeLine(io.stdout, '');
  for (const line of summaryLines(report)) writeLine(io.stdout, line);
  writeLine(io.stdout, '  what it did, from its ledger partition:');
  for (const line of storyLines(report)) writeLine(io.stdout, line);
  writeLine(io.stdout, `  the service ${result.serviceSawCredential ? 'received the vault-injected credential; the agent only ever held a placeholder' : 'did not receive a credential'}`);
  writeLine(io.stdout, '');
  writeLine(io.stdout, 'To run your own agent with a language model (docs/first-hour.md), in one flow: the key into the vault,');
  writeLine(io.stdout, 'granted to the manifest, a router deployment, and a signed manifest that lists the key:');
  writeLine(io.stdout, `  octant${root} setup --provider openai --model gpt-4o-mini --name helper   (the API key at the prompt or on stdin)`);
  writeLine(io.stdout, `  octant${root} run helper.signed.json --task "..."`);
  writeLine(io.stdout, `  (by hand: octant vault put / vault grant KEY --manifest helper / router add --credential KEY; credentials: [KEY] in the manifest)`);
}

/** `octant ledger verify` over the whole log, printed; true when it holds. */
export async function verifyLedger(paths: Paths, io: Io): Promise<boolean> {
  const [{ command }, { runCommand }] = await Promise.all([import('./cli/ledger.ts'), import('./cli/dispatch.ts')]);
  const rootFlag = paths.layout === 'root' ? paths.root : undefined;
  writeLine(io.stdout, '');
  writeLine(io.stdout, '$ octant ledger verify');
  const code = await runCommand(command, ['verify'], { io, rootFlag });
  return code === 0;
}

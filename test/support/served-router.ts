// A system booted by dist/octant with one keyless deployment ('local') on a
// fake OpenAI-compatible provider in this process, and `octant router serve`
// opened on it by a second dist/octant process: for the suites that drive
// the router's gateway through the built executable.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootLayout } from '../../src/runtime/paths.ts';
import { saveConfig } from '../../src/services/router/api.ts';
import { startFakeOpenAI } from '../../src/services/router/testing/fake-openai.ts';
import type { FakeProvider } from '../../src/services/router/testing/fake-server.ts';
import { lineOf } from './agent-memory.ts';
import { OCTANT } from './dist-octant.ts';

export interface ServedRouter {
  root: string;
  fake: FakeProvider;
  /** http://127.0.0.1:PORT of the gateway (the API paths start with /v1). */
  address: string;
  post(path: string, body: string | Buffer): Promise<Response>;
  /** `octant status --json`, parsed. */
  status(): { services: { name: string; state: string; health: { ok: boolean; detail: string } }[] };
  stop(): Promise<void>;
}

export async function startServedRouter(prefix: string, token: string): Promise<ServedRouter> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const fake = await startFakeOpenAI();
  await saveConfig(rootLayout(root), {
    deployments: [{ id: 'local', provider: 'vllm', model: 'm-local', baseUrl: `${fake.origin}/v1`, price: { input: 1, output: 1 }, contextWindow: 32_000, capabilities: { tools: true, vision: false, json: true }, tier: 2 }],
    routes: [],
  });
  const env = { PATH: '/usr/bin:/bin', HOME: root };
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const system = spawn(OCTANT, ['--root', root, 'boot', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(system);
    await lineOf(system, /"event":"system-ready"/);
    const tokenFile = join(root, 'serve.token');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    const gateway = spawn(OCTANT, ['--root', root, 'router', 'serve', '--port', '0', '--token-file', tokenFile], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(gateway);
    const address = /router gateway on (http:\/\/[^ ]+)\/v1/.exec(await lineOf(gateway, /router gateway on/))![1]!;
    return {
      root,
      fake,
      address,
      post: (path, body) => fetch(`${address}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body }),
      status() {
        const out = spawnSync(OCTANT, ['--root', root, 'status', '--json'], { encoding: 'utf8', env });
        if (out.status !== 0) throw new Error(`octant status exited ${out.status}: ${out.stderr}`);
        return JSON.parse(out.stdout) as ReturnType<ServedRouter['status']>;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

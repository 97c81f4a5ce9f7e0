// Redaction of a large body in the built executable: a system booted by
// dist/octant, a provider (a fake OpenAI-compatible server on 127.0.0.1 in
// this process) answering with a ~300 KiB text full of credentials, asked
// through `octant router serve`. The answer comes back redacted exactly as
// the Redactor redacts it on one thread here, and `octant status` shows the
// redaction workers did the work: in dist/octant a worker runs the code the
// build embedded, from the startup snapshot (lib/worker-pool.ts), which
// `node --test` from the sources never exercises.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { rootLayout } from '../../src/runtime/paths.ts';
import { saveConfig } from '../../src/services/router/index.ts';
import { startFakeOpenAI } from '../../src/services/router/testing/fake-openai.ts';
import type { FakeProvider } from '../../src/services/router/testing/fake-server.ts';
import { Redactor, REDACTED, WORKER_MIN_UNITS } from '../../src/services/vault/redact.ts';
import { OCTANT } from '../support/dist-octant.ts';

const skip = existsSync(OCTANT) ? undefined : `${OCTANT} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping redaction worker (built executable) tests: ${skip}\n`);

const TOKEN = 'redaction-workers-token-0123456789';
const env = (root: string) => ({ PATH: '/usr/bin:/bin', HOME: root });
let root = '';
let fake: FakeProvider;
let system: ChildProcess | undefined;
let gateway: ChildProcess | undefined;
let address = '';

function lineOf(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      seen.push(line);
      if (pattern.test(line)) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ${pattern}; output:\n${seen.join('\n')}`)));
  });
}

before(async () => {
  if (skip !== undefined) return;
  root = mkdtempSync(join(tmpdir(), 'octant-redact-bin-'));
  fake = await startFakeOpenAI();
  await saveConfig(rootLayout(root), {
    deployments: [{ id: 'local', provider: 'vllm', model: 'm-local', baseUrl: `${fake.origin}/v1`, price: { input: 1, output: 1 }, contextWindow: 32_000, capabilities: { tools: true, vision: false, json: true }, tier: 2 }],
    routes: [],
  });
  system = spawn(OCTANT, ['--root', root, 'boot', '--json'], { env: env(root), stdio: ['ignore', 'pipe', 'inherit'] });
  await lineOf(system, /"event":"system-ready"/);
  const tokenFile = join(root, 'serve.token');
  writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
  gateway = spawn(OCTANT, ['--root', root, 'router', 'serve', '--port', '0', '--token-file', tokenFile], { env: env(root), stdio: ['ignore', 'pipe', 'inherit'] });
  address = /router gateway on (http:\/\/[^ ]+)\/v1/.exec(await lineOf(gateway, /router gateway on/))![1];
});

after(async () => {
  for (const child of [gateway, system]) {
    if (child === undefined || child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await fake?.close();
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

function vaultDetail(): string {
  const status = spawnSync(OCTANT, ['--root', root, 'status', '--json'], { encoding: 'utf8', env: env(root) });
  assert.equal(status.status, 0, status.stderr);
  return (JSON.parse(status.stdout) as { services: { name: string; health: { detail: string } }[] }).services.find((s) => s.name === 'vault')!.health.detail;
}

async function ask(content: string): Promise<string> {
  fake.script({ kind: 'ok', text: content });
  const res = await fetch(`${address}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'the report, please' }] }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;
}

test('dist/octant: a large answer is redacted in a redaction worker, with the same result as on one thread; a small one is not sent there', { skip }, async () => {
  assert.match(vaultDetail(), /redaction workers: 0 done/);
  const keys = ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', 'AKIAIOSFODNN7EXAMPLE', `ghp_${'a'.repeat(36)}`, '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----'];
  const paragraph = 'Quarterly figures, nothing secret in this line at all. ';
  let big = '';
  for (let i = 0; big.length < WORKER_MIN_UNITS + 40_000; i++) big += `${paragraph.repeat(40)}${keys[i % keys.length]} `;
  const expected = new Redactor().redact(big);
  assert.ok(expected.includes(REDACTED) && expected !== big);
  assert.equal(await ask(big), expected);
  assert.match(vaultDetail(), /redaction workers: 1 done, 0 busy, 0 waiting, 0 restarted/);
  // Its twin: a small answer is redacted on the event loop, the workers are not asked.
  assert.equal(await ask(`short ${keys[0]} answer`), `short ${REDACTED} answer`);
  assert.match(vaultDetail(), /redaction workers: 1 done/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../main.ts';
import { startFakeOllama } from '../../services/router/testing/fake-ollama.ts';

async function run(root: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await main(['node', 'octant', '--root', root, 'router', ...args], { stdin: new PassThrough(), stdout, stderr, cwd: root, env: {} });
  return { code, out, err };
}

test('router add, list, explain and test against a fake; refusals name the argument', async () => {
  const root = await mkdtemp(join(tmpdir(), 'octant-router-cli-'));
  const fake = await startFakeOllama();
  try {
    assert.equal((await run(root, 'add', 'cheap', '--provider', 'ollama', '--model', 'small', '--base-url', fake.origin, '--tier', '1', '--route', 'main')).code, 0);
    assert.equal((await run(root, 'add', 'smart', '--provider', 'openai', '--model', 'gpt', '--credential', 'openai-key', '--tier', '3', '--price-in', '3', '--price-out', '15', '--route', 'main')).code, 0);
    const list = await run(root, 'list');
    assert.match(list.out, /route main \(auto\): cheap -> smart/);
    assert.ok(!(await readFile(join(root, 'etc', 'router.yaml'), 'utf8')).includes('sk-'));
    const simple = await run(root, 'explain', '--model', 'main', '--prompt', 'hi');
    assert.match(simple.out, /winner: cheap/);
    const hard = JSON.parse((await run(root, 'explain', '--model', 'main', '--json', '--prompt', 'Prove the theorem step by step and analyze the algorithm complexity trade-offs')).out) as { winner: string; complexity: string };
    assert.deepEqual([hard.winner, hard.complexity], ['smart', 'complex']);
    const probe = await run(root, 'test', 'cheap', '--prompt', 'ping');
    assert.equal(probe.code, 0);
    assert.match(probe.out, /"echo: ping"/);
    const keyed = await run(root, 'test', 'smart');
    assert.equal(keyed.code, 3);
    assert.match(keyed.err, /E_ROUTER_VAULT/);
    const badProvider = await run(root, 'add', 'x', '--provider', 'nope', '--model', 'm');
    assert.equal(badProvider.code, 2);
    assert.match(badProvider.err, /provider: expects one of/);
    const badFlag = await run(root, 'add', 'x', '--provider', 'openai', '--model', 'm', '--tier', 'high');
    assert.match(badFlag.err, /--tier expects a number/);
    const keyInUrl = await run(root, 'add', 'x', '--provider', 'openai', '--model', 'm', '--base-url', 'https://api.example.com/v1?key=sk-abc');
    assert.equal(keyInUrl.code, 4);
    // A key value written into the file by hand is refused at load.
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc', 'router.yaml'), 'deployments:\n  - id: a\n    provider: openai\n    model: m\n    apiKey: sk-live\n');
    const secret = await run(root, 'list');
    assert.equal(secret.code, 4);
    assert.match(secret.err, /E_ROUTER_CONFIG_SECRET.*apiKey/);
  } finally {
    await fake.close();
    await rm(root, { recursive: true, force: true });
  }
});

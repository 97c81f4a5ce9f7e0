// `octant setup` through dist/octant, non-interactively: key, vault, a
// provider (a fake OpenAI server on 127.0.0.1 speaking the real wire format)
// and the loop template in one command; then the printed run command works:
// the built-in loop, in a sandbox, asks the model through the router, the
// vault puts the key into the provider request, and the key is nowhere on
// disk in the clear. Running setup again keeps what exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCTANT, agentSkip } from '../support/dist-octant.ts';
import { startFakeOpenAI } from '../../src/services/router/testing/fake-openai.ts';

const skip = agentSkip;
if (skip) console.log(`# skipping octant setup: ${skip}`);

const API_KEY = `sk-test-${'7'.repeat(24)}`;

/** dist/octant, asynchronously: the fake provider answers from this same process. */
function octant(root: string, args: string[], stdin = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(OCTANT, ['--root', root, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

test('octant setup: key, vault, provider and a loop manifest in one flow; the printed command runs the agent against the provider', { skip, timeout: 240_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-setup-'));
  chmodSync(root, 0o755);
  const fake = await startFakeOpenAI();
  try {
    const keyFile = join(root, 'api.key');
    writeFileSync(keyFile, `${API_KEY}\n`, { mode: 0o600 });
    const setup = await octant(root, ['setup', '--provider', 'openai', '--model', 'fake-model', '--base-url', `${fake.origin}/v1`, '--api-key-file', keyFile, '--name', 'hello']);
    assert.equal(setup.status, 0, `${setup.stdout}\n${setup.stderr}`);
    rmSync(keyFile);
    assert.match(setup.stdout, /^keys: created .*operator\.key/m);
    assert.match(setup.stdout, /^vault: initialised with the key file .*vault\.key/m);
    assert.match(setup.stdout, /^vault: stored openai-key, injected as [Aa]uthorization only into requests to 127\.0\.0\.1:\d+$/m);
    assert.match(setup.stdout, /^vault: granted openai-key to the agents of manifest hello$/m);
    assert.match(setup.stdout, /^router: deployment openai \(openai fake-model\) on route default/m);
    const runLine = setup.stdout.split('\n').find((l) => l.startsWith('  octant run '));
    assert.ok(runLine, setup.stdout);
    const args = runLine.trim().split(' ').slice(2);
    assert.deepEqual(args, [join(root, 'hello.signed.json'), '--task', '"Say', 'hello', 'in', 'one', 'sentence."']);
    assert.match(readFileSync(join(root, 'hello.yaml'), 'utf8'), /^credentials: \["openai-key"\]/m);

    // The printed command (its quoted task as one argument), with no system running: one boots for the run and unseals the vault.
    const run = await octant(root, ['run', args[0], '--task', 'Say hello in one sentence.']);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /hello\): archived — exited with code 0/);
    assert.match(run.stdout, /answer: echo: /);
    const calls = fake.requests.filter((r) => r.url.endsWith('/chat/completions'));
    assert.ok(calls.length > 0, 'the provider was called');
    assert.equal(calls.at(-1)!.headers.authorization, `Bearer ${API_KEY}`, 'the vault injected the key');

    // The key is nowhere on disk in the clear.
    const scan = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) scan(path);
        else if (entry.isFile()) assert.ok(!readFileSync(path, 'latin1').includes(API_KEY), `${path} holds the API key`);
      }
    };
    scan(root);

    // Again: what exists is kept; an existing manifest is not overwritten without --force.
    const again = await octant(root, ['setup', '--name', 'hello']);
    assert.equal(again.status, 2, again.stdout);
    assert.match(again.stdout, /^keys: using /m);
    assert.match(again.stdout, /^vault: unsealed$/m);
    assert.match(again.stderr, /error\[E_SETUP_EXISTS\]: setup: .*hello\.yaml already exists/);
    const other = await octant(root, ['setup', '--for', 'shell', '--name', 'other', '--program', '/opt/x.sh']);
    assert.equal(other.status, 0, other.stderr);
    assert.match(other.stdout, /octant run .*other\.signed\.json -- \/bin\/sh \/opt\/x\.sh/);
  } finally {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('octant setup refuses what it cannot do, naming it: --provider without --model, an unknown template, an unknown provider', { skip, timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-setup-bad-'));
  try {
    const half = await octant(root, ['setup', '--provider', 'openai']);
    assert.equal(half.status, 2);
    assert.match(half.stderr, /--provider and --model go together/);
    const kind = await octant(root, ['setup', '--for', 'cobol']);
    assert.equal(kind.status, 2);
    assert.match(kind.stderr, /--for expects one of loop, python, node, shell/);
    const unknown = await octant(root, ['setup', '--provider', 'nope', '--model', 'm', '--no-manifest'], 'sk-x\n');
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /E_ROUTER_PROVIDER.*unknown provider 'nope'/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const hasScript = spawnSync('sh', ['-c', 'command -v script']).stdout.toString().trim() !== '';

test('octant setup on a terminal asks what no flag says: the provider, the model, the template, then the key without echo', { skip: skip || (!hasScript && 'script (util-linux) is not installed'), timeout: 240_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-setup-tty-'));
  chmodSync(root, 0o755);
  const fake = await startFakeOpenAI();
  try {
    // script(1) runs it on a pseudo-terminal; each answer is typed once its question shows.
    const answers: [string, string][] = [['provider now?', 'y'], ['provider (', 'openai'], ['model [', 'fake-model'], ['first manifest:', 'loop'], ['API key: ', API_KEY]];
    const command = `${OCTANT} --root ${root} setup --base-url ${fake.origin}/v1 --name asked`;
    const result = await new Promise<{ status: number | null; out: string }>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      const onData = (d: Buffer): void => {
        out += d.toString();
        const next = answers[0];
        if (next !== undefined && out.includes(next[0])) {
          answers.shift();
          child.stdin.write(`${next[1]}\n`);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('close', (status) => resolve({ status, out }));
    });
    assert.equal(result.status, 0, result.out);
    assert.match(result.out, /Add an LLM provider now\? \[Y\/n\]/);
    assert.match(result.out, /openai API key: /);
    assert.ok(!result.out.includes(API_KEY), 'the key is not echoed');
    assert.match(result.out, /vault: stored openai-key/);
    assert.match(result.out, /manifest: wrote .*asked\.yaml \(--for loop\)/);
    assert.match(readFileSync(join(root, 'etc', 'router.yaml'), 'utf8'), /model: fake-model/);
  } finally {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  }
});

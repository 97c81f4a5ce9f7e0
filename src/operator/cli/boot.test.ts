// End to end through the real entry: `node src/main.ts --root <tmp> ...`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'main.ts');

function octant(root: string, ...args: string[]) {
  return spawnSync(process.execPath, [MAIN, '--root', root, ...args], { encoding: 'utf8', timeout: 60_000 });
}

async function withRoot(run: (root: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'octant-boot-'));
  try {
    await run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Start `boot --json` in the background; resolves once it reports system-ready. */
async function bootInBackground(root: string): Promise<{ child: ChildProcess; lines: Record<string, unknown>[]; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [MAIN, '--root', root, 'boot', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const lines: Record<string, unknown>[] = [];
  const reader = createInterface({ input: child.stdout! });
  await new Promise<void>((res, rej) => {
    reader.on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      lines.push(event);
      if (event.event === 'system-ready') res();
    });
    void exit.then((code) => rej(new Error(`boot exited with ${code} before it was ready`)));
  });
  return { child, lines, exit };
}

test('boot --exit-when-ready boots, reports and stops cleanly', () => withRoot(async (root) => {
  const out = octant(root, 'boot', '--exit-when-ready', '--json');
  assert.equal(out.status, 0, out.stderr);
  const events = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; ms?: number; socket?: string; services?: number; service?: string });
  const ready = events.filter((e) => e.event === 'ready');
  const summary = events.at(-2)!;
  // One ready event per registered service, each with its time, then the total, then the stop.
  assert.deepEqual(events.map((e) => e.event), [...ready.map(() => 'ready'), 'system-ready', 'stopped']);
  assert.equal(summary.services, ready.length);
  assert.ok(ready.every((e) => typeof e.service === 'string' && typeof e.ms === 'number' && e.ms <= summary.ms!));
  assert.equal(typeof summary.ms, 'number');
  assert.equal(summary.socket, join(root, 'run', 'admin.sock'));
  assert.equal(existsSync(join(root, 'run', 'admin.sock')), false);
  assert.ok(existsSync(join(root, 'lib', 'identity', 'machine.key')));
}));

test('human output names the total and says stopped', () => withRoot(async (root) => {
  const out = octant(root, 'boot', '--exit-when-ready');
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /system ready: \d+ service\(s\) in [\d.]+ ms \([\d.]+ ms since process start\)/);
  assert.match(out.stdout, /stopped\n$/);
}));

test('status and stop reach a booted system through its socket', () => withRoot(async (root) => {
  const boot = await bootInBackground(root);
  const status = octant(root, 'status', '--json');
  assert.equal(status.status, 0, status.stderr);
  const body = JSON.parse(status.stdout) as { phase: string; pid: number };
  assert.equal(body.phase, 'ready');
  assert.equal(body.pid, boot.child.pid);
  const human = octant(root, 'status');
  assert.match(human.stdout, new RegExp(`pid ${boot.child.pid}\\s+ready`));
  const again = octant(root, 'boot', '--exit-when-ready');
  assert.equal(again.status, 3);
  assert.match(again.stderr, /E_ALREADY_RUNNING/);
  const stop = octant(root, 'stop');
  assert.equal(stop.status, 0, stop.stderr);
  assert.match(stop.stdout, new RegExp(`stopped \\(pid ${boot.child.pid}\\)`));
  assert.equal(await boot.exit, 0);
  assert.equal(octant(root, 'status').status, 3);
}));

test('SIGTERM stops a booted system gracefully with exit 0', () => withRoot(async (root) => {
  const boot = await bootInBackground(root);
  boot.child.kill('SIGTERM');
  assert.equal(await boot.exit, 0);
  assert.ok(boot.lines.some((l) => l.event === 'stopping' && l.reason === 'SIGTERM'));
  assert.equal(existsSync(join(root, 'run', 'admin.sock')), false);
}));

test('up --no-demo boots, says what runs and how to use it, and stops on SIGINT', () => withRoot(async (root) => {
  const child = spawn(process.execPath, [MAIN, '--root', root, 'up', '--no-demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  let text = '';
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(' stop ')) res();
    });
    void exit.then((code) => rej(new Error(`up exited with ${code}: ${text}`)));
  });
  assert.match(text, /OctantOS is up/);
  assert.ok(text.includes(`octant --root ${root} status`));
  assert.ok(text.includes(join(root, 'run', 'admin.sock')));
  child.kill('SIGINT');
  assert.equal(await exit, 0);
}));

test('status and stop with nothing running say so with exit 3', () => withRoot(async (root) => {
  for (const command of ['status', 'stop']) {
    const out = octant(root, command);
    assert.equal(out.status, 3);
    assert.match(out.stderr, /E_NOT_RUNNING/);
  }
}));

test('a bad configuration file fails the boot, naming the key and the file', () => withRoot(async (root) => {
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'octant.yaml'), 'supervisor:\n  healthIntervalMs: often\n');
  const out = octant(root, 'boot', '--exit-when-ready');
  assert.equal(out.status, 1);
  assert.match(out.stderr, /E_CONFIG/);
  assert.ok(out.stderr.includes('supervisor.healthIntervalMs'));
  assert.ok(out.stderr.includes(join(root, 'etc', 'octant.yaml')));
}));

test('unknown flags are usage errors (exit 2)', () => withRoot(async (root) => {
  assert.equal(octant(root, 'boot', '--fast').status, 2);
  assert.equal(octant(root, 'stop', '--timeout', 'soon').status, 2);
}));

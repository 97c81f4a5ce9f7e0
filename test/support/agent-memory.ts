// What the tests of agents' memory through dist/octant share: a signed
// manifest with a `memory` domain (or any extra YAML), the first stdout line
// of a child matching a pattern, and a system booted until "system-ready"
// and stopped with SIGTERM.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The first stdout line of `child` matching `pattern` (fails with its output, stderr too if piped, if it exits first). */
export function lineOf(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      seen.push(line);
      if (pattern.test(line)) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ${pattern}; output:\n${seen.join('\n')}`)));
  });
}

/** Sign a manifest for `name` (reading `<root>/data`, the key `ops` of `octant keys generate`) with `extra` YAML; returns its path. */
export function signedManifest(octant: (...args: string[]) => SpawnSyncReturns<string>, root: string, name: string, extra: string): string {
  const yaml = join(root, `${name}.yaml`);
  writeFileSync(yaml, `version: 1
identity: { name: ${name}, operator: ops@example.com }
filesystem: { read: [${join(root, 'data')}] }
syscalls: ["@base", "@file-read", "@network-client", "@network-server", "@timers", "@process-spawn"]
governance: { critical: [] }
resources: { cpu: 0.5, memory: 256MiB, ioBandwidth: 10MiB/s, pids: 64, networkThroughput: 1MiB/s }
lifetime: { ttl: 10m }
${extra}
`);
  const signed = octant('manifest', 'sign', yaml, '--key', join(root, 'etc', 'keys', 'private', 'ops.key'), '--out', join(root, `${name}.json`));
  assert.equal(signed.status, 0, `${signed.stdout}\n${signed.stderr}`);
  return join(root, `${name}.json`);
}

/**
 * `OCTANT --root ROOT boot --json`, once it logs system-ready. Its stderr is
 * the test's unless `stderr: 'pipe'`, which puts it in the failure message
 * of a boot that exits first.
 */
export async function bootSystem(octant: string, root: string, options: { env?: NodeJS.ProcessEnv; stderr?: 'inherit' | 'pipe' } = {}): Promise<ChildProcess> {
  const child = spawn(octant, ['--root', root, 'boot', '--json'], { env: options.env ?? { PATH: '/usr/bin:/bin', HOME: root }, stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'] });
  await lineOf(child, /"event":"system-ready"/);
  return child;
}

/** SIGTERM a booted system and wait for its exit (nothing to do if it never started or already ended). */
export async function stopSystem(system: ChildProcess | undefined): Promise<void> {
  if (system === undefined || system.exitCode !== null || system.signalCode !== null) return;
  const exited = new Promise((r) => system.once('exit', r));
  system.kill('SIGTERM');
  await exited;
}

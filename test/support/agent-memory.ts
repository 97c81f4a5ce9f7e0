// What the tests of agents' memory through dist/octant share: a signed
// manifest with a `memory` domain (or any extra YAML), and the first stdout
// line of a child matching a pattern (the system's "system-ready").

import assert from 'node:assert/strict';
import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The first stdout line of `child` matching `pattern` (fails with its output if it exits first). */
export function lineOf(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
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

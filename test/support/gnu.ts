// Run a built-in utility and its GNU original on the same input, for tests
// that hold our utilities to GNU behaviour. GNU tools run with LC_ALL=C so
// sorting and messages do not depend on the machine's locale.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { memoryIo } from '../../src/lib/memory-io.ts';
import type { Utility } from '../../src/utils/utility.ts';

export interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  cwd?: string;
}

export async function runOurs(utility: Utility, argv: string[], options: RunOptions = {}): Promise<Outcome> {
  const mem = memoryIo({ stdin: options.stdin, cwd: options.cwd });
  const status = await utility.run(argv, mem.io);
  return { status, stdout: mem.stdout(), stderr: mem.stderr() };
}

/** The GNU tool's path, or undefined (the comparison tests then skip). */
export function gnuTool(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin']) {
    const path = `${dir}/${name}`;
    if (existsSync(path)) {
      const version = spawnSync(path, ['--version'], { encoding: 'utf8' });
      if (/GNU coreutils/.test(version.stdout ?? '')) return path;
    }
  }
  return undefined;
}

export function runGnu(path: string, argv: string[], options: RunOptions = {}): Outcome {
  const result = spawnSync(path, argv, { input: options.stdin ?? '', cwd: options.cwd, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

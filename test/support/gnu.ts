// Run a built-in utility and its GNU original on the same input, for tests
// that hold our utilities to GNU behaviour. GNU tools run with LC_ALL=C so
// sorting and messages do not depend on the machine's locale.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
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

/** A failing run matches GNU's: same status and output, same first error
 *  line (GNU names itself by its path; ours by the utility name). Returns our outcome. */
export async function assertFailsLikeGnu(utility: Utility, gnuPath: string, argv: string[], options: RunOptions = {}): Promise<Outcome> {
  const label = `${utility.name} ${argv.join(' ')}`;
  const ours = await runOurs(utility, argv, options);
  const theirs = runGnu(gnuPath, argv, options);
  assert.notEqual(ours.status, 0, `${label}: should fail`);
  assert.equal(ours.status, theirs.status, `${label}: status`);
  assert.equal(ours.stdout, theirs.stdout, `${label}: stdout`);
  assert.equal(ours.stderr.split('\n')[0], theirs.stderr.split('\n')[0].replace(gnuPath, utility.name), `${label}: first error line`);
  return ours;
}

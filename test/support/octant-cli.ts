// Runs one octant command line in this process against a state root, as the
// executable would (main + an in-memory Io), and returns its exit code and
// output. For tests that drive the CLI without spawning dist/octant.
import { main } from '../../src/main.ts';
import { memoryIo } from '../../src/lib/memory-io.ts';

export interface CliRun { code: number; out: string; err: string }

export async function octantCli(root: string, ...args: string[]): Promise<CliRun> {
  const mem = memoryIo({ cwd: root });
  const code = await main(['node', 'octant', '--root', root, ...args], mem.io);
  return { code, out: mem.stdout(), err: mem.stderr() };
}

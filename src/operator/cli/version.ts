// octant version: version, git commit and the SHA-256 of this executable.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { buildInfo } from '../../lib/build-info.ts';
import { boolFlag } from '../../lib/args.ts';
import { writeJson } from '../../lib/io.ts';
import type { Command } from './command.ts';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const command: Command = {
  name: 'version',
  summary: 'print the version, git commit and build hash',
  options: { json: { type: 'boolean', help: 'print a JSON object' } },
  positionals: false,
  notes: "'octant --version' and 'octant -V' print the same.",
  async run(parsed, { io }) {
    const info = buildInfo();
    // The build's hash is the hash of the executable itself, read at run time
    // (a file cannot contain its own hash).
    const sha256 = info.sea ? await sha256File(process.execPath) : 'none (running from source)';
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, { version: info.version, commit: info.commit, sha256 });
    else io.stdout.write(`octant ${info.version}\ncommit ${info.commit}\nsha256 ${sha256}\n`);
    return 0;
  },
};

// octant version: version, git commit and the build's SHA-256, read from the
// stamp the build appended to the executable (src/lib/self-stamp.ts): one
// read of its last bytes, not a hash of the whole file. `octant verify-self`
// recomputes and checks it.
import { buildInfo } from '../../lib/build-info.ts';
import { boolFlag } from '../../lib/args.ts';
import { writeJson } from '../../lib/io.ts';
import { readStamp } from '../../lib/self-stamp.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'version',
  summary: 'print the version, git commit and build hash',
  options: { json: { type: 'boolean', help: 'print a JSON object' } },
  positionals: false,
  notes: "'octant --version' and 'octant -V' print the same. sha256 is the hash of the executable before its stamp,\ncomputed at build time; 'octant verify-self' recomputes and checks it.",
  async run(parsed, { io }) {
    const info = buildInfo();
    const sha256 = !info.sea ? 'none (running from source)' : readStamp(process.execPath) ?? 'none (the executable carries no stamp)';
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, { version: info.version, commit: info.commit, sha256 });
    else io.stdout.write(`octant ${info.version}\ncommit ${info.commit}\nsha256 ${sha256}\n`);
    return 0;
  },
};

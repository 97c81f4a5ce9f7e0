// octant version: version, git commit and the build's SHA-256, read from the
// stamp the build appended to the executable (src/lib/self-stamp.ts): one
// read of its last bytes, not a hash of the whole file. `octant verify-self`
// recomputes and checks it.
import { buildInfo } from '../../lib/build-info.ts';
import { parseCommandArgs, boolFlag } from '../../lib/args.ts';
import { writeJson } from '../../lib/io.ts';
import { readStamp } from '../../lib/self-stamp.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'version',
  summary: 'print the version, git commit and build hash',
  usage: 'octant version [--json]   (also: octant --version)\n\nsha256 is the hash of the executable before its stamp, computed at build time; `octant verify-self` checks it.',
  async run(argv, { io }) {
    const parsed = parseCommandArgs('version', argv, { json: { type: 'boolean' } }, false);
    const info = buildInfo();
    const sha256 = !info.sea ? 'none (running from source)' : readStamp(process.execPath) ?? 'none (the executable carries no stamp)';
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, { version: info.version, commit: info.commit, sha256 });
    else io.stdout.write(`octant ${info.version}\ncommit ${info.commit}\nsha256 ${sha256}\n`);
    return 0;
  },
};

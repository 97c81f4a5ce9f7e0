// octant verify-self: recompute the hash of this executable (everything
// before its stamp) and check it against the stamp the build wrote
// (src/lib/self-stamp.ts). Exit 0 when they match, 1 when they differ or
// the executable carries no stamp.
import { boolFlag } from '../../lib/args.ts';
import { buildInfo } from '../../lib/build-info.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/io.ts';
import { STAMP_LENGTH, checkStamp } from '../../lib/self-stamp.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'verify-self',
  summary: "recompute this executable's SHA-256 and check it against the hash stamped at build time",
  options: { json: { type: 'boolean', help: 'print {file, stamped, actual, ok} as JSON' } },
  positionals: false,
  notes: `Hashes the executable without its last ${STAMP_LENGTH} bytes (the stamp) and compares with the stamp.\nThe same check by hand: head -c -${STAMP_LENGTH} octant | sha256sum; tail -c ${STAMP_LENGTH} octant`,
  async run(parsed, { io }) {
    if (!buildInfo().sea) throw new OctantError('E_SELF_SOURCE', 'verify-self: running from source, there is no executable to check', { exit: EXIT.unavailable, hint: 'build it: node scripts/build.ts, then dist/octant verify-self' });
    const file = process.execPath;
    const check = await checkStamp(file);
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, { file, stamped: check.stamped ?? null, actual: check.actual, ok: check.ok });
    if (check.stamped === undefined) throw new OctantError('E_SELF_UNSTAMPED', `verify-self: ${file} carries no build stamp (sha256 of the whole file: ${check.actual})`, { hint: 'build it with node scripts/build.ts' });
    if (!check.ok) throw new OctantError('E_SELF_MISMATCH', `verify-self: ${file} was changed after it was built: stamped ${check.stamped}, actual ${check.actual}`, { hint: 'reinstall the executable from a trusted build' });
    if (!boolFlag(parsed, 'json')) io.stdout.write(`ok ${file}\nsha256 ${check.actual}\n`);
    return EXIT.ok;
  },
};

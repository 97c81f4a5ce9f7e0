// The shape of one built-in utility (`octant ls` or a link named `ls`).
// Exit codes: 0 success, 1 failure, 2 usage error, as GNU does.

import type { Io } from '../lib/io.ts';

export interface Utility {
  name: string;
  usage: string;
  run(argv: string[], io: Io): Promise<number>;
}

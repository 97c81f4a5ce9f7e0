// Decisions on disk: one JSON file per decision under <state>/quorum/, for
// `octant quorum list|show|explain`. The ledger is the record (every step is
// appended there first); these files are the readable index of it.

import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicAsync } from '../../lib/atomic-file.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { Decision } from './types.ts';

const ID = /^quo_[0-9a-z]{16}$/;

export function decisionsDir(paths: Paths): string {
  return join(paths.state, 'quorum');
}

export class DecisionStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(id: string): string {
    if (!ID.test(id)) throw new OctantError('E_QUORUM_ID', `decision id ${JSON.stringify(id)}: expected quo_ followed by 16 base36 digits`, { exit: EXIT.usage });
    return join(this.dir, `${id}.json`);
  }

  /**
   * lib/atomic-file.ts, off the event loop: the ledger is the durable record
   * (appended before this); this readable copy is never half-written either.
   */
  async save(decision: Decision): Promise<void> {
    await writeFileAtomicAsync(this.file(decision.id), `${JSON.stringify(decision, null, 2)}\n`);
  }

  get(id: string): Decision {
    const file = this.file(id);
    if (!existsSync(file)) throw new OctantError('E_QUORUM_UNKNOWN', `no quorum decision ${id}`, { exit: EXIT.usage, hint: "see 'octant quorum list'" });
    return JSON.parse(readFileSync(file, 'utf8')) as Decision;
  }

  /** Newest first. */
  list(limit = 50): Decision[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json') && ID.test(name.slice(0, -5)))
      .map((name) => this.get(name.slice(0, -5)))
      .sort((a, b) => (a.proposal.createdAt < b.proposal.createdAt ? 1 : a.proposal.createdAt > b.proposal.createdAt ? -1 : 0))
      .slice(0, limit);
  }
}

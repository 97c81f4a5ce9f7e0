// Approvals on disk: one JSON file per approval under <state>/approvals/,
// written atomically (lib/atomic-file.ts) in a 0700 directory, so an
// operator's CLI and the running system can share them without a server.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { Approval } from './approval.ts';

const ID = /^apr_[0-9a-z]{16}$/;

export function approvalsDir(paths: Paths): string {
  return join(paths.state, 'approvals');
}

export function newApprovalId(): string {
  // 80 random bits in base36: unguessable, so an id alone grants nothing.
  return `apr_${BigInt(`0x${randomBytes(10).toString('hex')}`).toString(36).padStart(16, '0').slice(-16)}`;
}

export class ApprovalStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(id: string): string {
    if (!ID.test(id)) throw new OctantError('E_APPROVAL_ID', `approval id ${JSON.stringify(id)}: expected apr_ followed by 16 base36 digits`, { exit: EXIT.usage });
    return join(this.dir, `${id}.json`);
  }

  save(approval: Approval): void {
    const file = this.file(approval.id);
    writeFileAtomic(file, `${JSON.stringify(approval, null, 2)}\n`);
  }

  get(id: string): Approval {
    try {
      return JSON.parse(readFileSync(this.file(id), 'utf8')) as Approval;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new OctantError('E_APPROVAL_UNKNOWN', `no approval ${id}`, { exit: EXIT.usage, hint: "see 'octant approvals list'" });
      throw error;
    }
  }

  list(): Approval[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => this.get(name.slice(0, -5)))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }
}

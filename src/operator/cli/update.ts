// octant update: a signed image set into the inactive slot. The signature
// (image.sig.json, by an operator key this machine trusts) is checked
// before anything is written; a refused image is recorded in the ledger and
// nothing changes on the disk (operator/image-update.ts).

import type { Command } from './command.ts';
import { INSTALL_OPTIONS, installArgs, printInstalled } from './image.ts';
import { writeLine } from '../../lib/io.ts';

export const command: Command = {
  name: 'update',
  summary: 'verify a signed image set with the trusted operator keys, then install it into the inactive slot',
  synopsis: ['IMAGE_DIR [--disk DISK] [--tries N]'],
  options: INSTALL_OPTIONS,
  notes: [
    'Refused (exit 4, E_IMAGE_SIGNATURE): no image.sig.json, a key not in the trusted set (octant keys add)',
    'or revoked, a signature that does not verify, a file of the set changed after signing.',
    'The next boot tries the new slot and falls back to the other if it never reaches system ready.',
  ].join('\n'),
  async run(parsed, { io, paths }) {
    const args = await installArgs(parsed, io, 'update');
    const { updateRecorded } = await import('../image-update.ts');
    const installed = await updateRecorded(paths(), args);
    writeLine(io.stdout, `verified: signed by trusted key ${installed.signer}`);
    printInstalled(io, installed, args.disk);
    return 0;
  },
};

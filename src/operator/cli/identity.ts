// octant identity: the machine's Ed25519 identity (created on first use).
// The fingerprint names this machine in ledger checkpoints and signatures.
import { parseCommandArgs, boolFlag } from '../../lib/args.ts';
import { writeJson } from '../../lib/io.ts';
import { identityDir, loadOrCreateIdentity } from '../../runtime/identity.ts';
import { resolvePaths } from '../../runtime/paths.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'identity',
  summary: "show the machine's key fingerprint, machine-id, hostname and creation time",
  usage: [
    'octant [--root DIR] identity [--json]',
    'Prints the machine identity, creating the key (mode 0600) on first use.',
    'A key file readable by group or others is refused (E_IDENTITY_KEY_MODE).',
  ].join('\n'),
  async run(argv, { io, rootFlag }) {
    const parsed = parseCommandArgs('identity', argv, { json: { type: 'boolean' } }, false);
    const paths = resolvePaths({ rootFlag, env: io.env });
    const identity = loadOrCreateIdentity(paths);
    const facts = {
      fingerprint: identity.fingerprint,
      publicKey: identity.publicKeyRaw.toString('base64'),
      machineId: identity.machineId,
      hostname: identity.hostname,
      createdAt: identity.createdAt,
      directory: identityDir(paths),
    };
    if (boolFlag(parsed, 'json')) writeJson(io.stdout, facts);
    else {
      io.stdout.write([
        `fingerprint  ${facts.fingerprint}`,
        `public key   ${facts.publicKey}`,
        `machine-id   ${facts.machineId}`,
        `hostname     ${facts.hostname}`,
        `created      ${facts.createdAt}`,
        `directory    ${facts.directory}`,
      ].join('\n') + '\n');
    }
    return 0;
  },
};

// octant identity: the machine's Ed25519 identity (created on first use).
// The fingerprint names this machine in ledger checkpoints and signatures;
// --verifier-key prints the ledger's verifier key alone, in the exact form
// `octant ledger verify --key` takes, to hand to whoever checks an export.
import { boolFlag } from '../../lib/args.ts';
import { writeJson } from '../../lib/io.ts';
import { identityDir, loadOrCreateIdentity } from '../../runtime/identity.ts';
import { ledgerVerifierKey } from '../../services/ledger/api.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'identity',
  summary: "show the machine's key fingerprint, machine-id, hostname and creation time",
  synopsis: ['[--json]', '--verifier-key'],
  options: {
    json: { type: 'boolean', help: 'print a JSON object' },
    'verifier-key': { type: 'boolean', help: "print only the ledger's verifier key, as 'octant ledger verify --key' takes it" },
  },
  positionals: false,
  notes: [
    'Prints the machine identity, creating the key (mode 0600) on first use.',
    'A key file readable by group or others is refused (E_IDENTITY_KEY_MODE).',
    'On a system install with a TPM 2.0 (/dev/tpmrm0) the key is created sealed to the TPM (key store: tpm);',
    'a data disk moved to another machine does not unseal there (E_IDENTITY_CLONED).',
  ].join('\n'),
  async run(parsed, { io, paths: layout }) {
    const paths = layout();
    const identity = loadOrCreateIdentity(paths);
    const verifierKey = ledgerVerifierKey(identity);
    if (boolFlag(parsed, 'verifier-key')) {
      io.stdout.write(`${verifierKey}\n`);
      return 0;
    }
    const facts = {
      fingerprint: identity.fingerprint,
      publicKey: identity.publicKeyRaw.toString('base64'),
      machineId: identity.machineId,
      hostname: identity.hostname,
      createdAt: identity.createdAt,
      directory: identityDir(paths),
      keyStore: identity.tpm !== undefined ? 'tpm' : 'software',
      ...(identity.tpm !== undefined ? { tpmStorageKey: identity.tpm.storageKeyName } : {}),
      ledgerVerifierKey: verifierKey,
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
        `key store    ${identity.tpm !== undefined ? `TPM 2.0, sealed (storage key ${identity.tpm.storageKeyName})` : 'software (machine.key, mode 0600)'}`,
        `ledger key   ${facts.ledgerVerifierKey}`,
      ].join('\n') + '\n');
    }
    return 0;
  },
};

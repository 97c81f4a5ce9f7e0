// Installing an image set into the inactive slot of a system disk, every step
// in the ledger (log first, act second): `octant image install` (no
// signature: the operator provisions a disk by hand) and `octant update`
// (the image's signature is checked against the trusted operator keys
// BEFORE anything is written; a refused image is recorded and nothing is
// written).

import { OctantError, isOctantError, messageOf } from '../lib/errors.ts';
import type { Paths } from '../runtime/paths.ts';
import { installImage, readImageManifest, type InstallOptions, type Installed } from '../runtime/image/install.ts';
import { loadTrustStore } from '../agent/manifest/trust.ts';
import { OPERATOR_AGENT, recordEvent } from '../services/ledger/api.ts';
import { verifyImage } from './image-signature.ts';

function record(paths: Paths, action: string, target: string, decision: string, detail: Record<string, unknown>) {
  return recordEvent(paths, { agent: OPERATOR_AGENT, lineage: [], kind: 'image', action, target, decision, detail });
}

/** Installs with the ledger: the intent before the first byte, the outcome after. */
export async function installRecorded(paths: Paths, options: InstallOptions, signer: string | undefined): Promise<Installed> {
  const rootHash = options.verified?.rootHash ?? readImageManifest(options.imageDir).rootHash;
  await record(paths, 'install', options.disk, 'allow', { image: options.imageDir, rootHash, tries: options.tries, signer: signer ?? null });
  let installed: Installed;
  try {
    installed = installImage(options);
  } catch (error) {
    await record(paths, 'install', options.disk, 'error', { rootHash, code: isOctantError(error) ? error.code : undefined, message: messageOf(error) });
    throw error;
  }
  await record(paths, 'installed', options.disk, 'ok', { slot: installed.slot, sequence: installed.sequence, rootHash, rootSha256: installed.rootSha256, tries: options.tries });
  return installed;
}

/** `octant update`: verify, record the verdict, then install. */
export async function updateRecorded(paths: Paths, options: Omit<InstallOptions, 'verified'>): Promise<Installed & { signer: string }> {
  let verified: ReturnType<typeof verifyImage>;
  try {
    verified = verifyImage(options.imageDir, loadTrustStore(paths));
  } catch (error) {
    if (isOctantError(error)) await record(paths, 'update.verify', options.imageDir, 'deny', { code: error.code, message: error.message });
    throw error;
  }
  const { statement, keyId } = verified;
  await record(paths, 'update.verify', options.imageDir, 'allow', { signer: keyId, rootHash: statement.rootHash, files: statement.files });
  const installed = await installRecorded(paths, {
    ...options,
    verified: { rootSha256: statement.files['root.img'], rootHash: statement.rootHash, salt: statement.salt, dataBlocks: statement.dataBlocks, hashStartBlock: statement.hashStartBlock },
  }, keyId);
  return { ...installed, signer: keyId };
}

export function missingDisk(command: string): OctantError {
  return new OctantError('E_IMAGE_DISK', `${command}: --disk DISK is required (no octant.slots= on this machine's kernel command line)`, {
    exit: 2, hint: 'name the system disk: a file made by octant image install, or the block device of an A/B machine',
  });
}

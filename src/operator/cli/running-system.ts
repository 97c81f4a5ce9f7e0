// Most commands work both with a system running (through its admin socket,
// so the running services see the change) and without one (the same
// service code in this process, on the files directly). This is the one
// place that tells the two apart: nothing answering on the socket
// (E_NOT_RUNNING) means offline; any other failure is a failure.

import { isOctantError } from '../../lib/errors.ts';
import { adminRequest } from '../../runtime/admin/client.ts';
import type { Paths } from '../../runtime/paths.ts';

/** True when a system answers `GET path` on the admin socket, false when none answers. */
export async function systemAnswers(paths: Paths, path = '/v1/status'): Promise<boolean> {
  return runningOrOffline(async () => {
    await adminRequest(paths, 'GET', path);
    return true;
  }, async () => false);
}

/**
 * `running()` through the running system; when none answers, `offline()`.
 * `alsoOffline` names codes that mean the same for this call (a system
 * without that route answers E_ADMIN_NOT_FOUND).
 */
export async function runningOrOffline<T>(running: () => Promise<T>, offline: () => Promise<T>, alsoOffline: readonly string[] = []): Promise<T> {
  try {
    return await running();
  } catch (error) {
    if (!isOctantError(error, 'E_NOT_RUNNING') && !alsoOffline.some((code) => isOctantError(error, code))) throw error;
  }
  return offline();
}

// Claiming the admin socket path safely.
//
// The socket is the operator's control channel (status, stop, service
// routes), so only its owner may connect: the run directory is 0700 and the
// socket is created 0600 by binding under umask 0177 (no moment where it is
// world-accessible), then checked. An existing socket is removed only when
// nothing answers on it (a crash left it); if something answers, another
// instance is running and we refuse with E_ALREADY_RUNNING. A path that is not
// a socket is never removed.

import { connect, type Server } from 'node:net';
import { chmodSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Create (or tighten) the run directory: a directory we own, mode 0700. */
export function prepareRunDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = lstatSync(dir);
  if (!info.isDirectory()) throw new OctantError('E_ADMIN_SOCKET', `${dir}: the run directory is not a directory (a symlink?)`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new OctantError('E_ADMIN_SOCKET', `${dir}: the run directory belongs to uid ${info.uid}, not to us (uid ${uid})`);
  }
  if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Resolves true when something accepts a connection on `path`. */
export function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Remove a stale socket at `path`, or refuse if an instance answers there. */
export async function clearStaleSocket(path: string): Promise<void> {
  let info;
  try {
    info = lstatSync(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw new OctantError('E_ADMIN_SOCKET', `${path}: cannot inspect the admin socket: ${messageOf(error)}`, { cause: error });
  }
  if (!info.isSocket()) throw new OctantError('E_ADMIN_SOCKET', `${path}: exists and is not a socket; refusing to replace it`, { hint: 'remove it by hand if it is yours' });
  if (await answers(path)) {
    throw new OctantError('E_ALREADY_RUNNING', `${path}: another OctantOS instance is running on this state root`, {
      exit: EXIT.unavailable,
      hint: "use 'octant status', or 'octant stop' first",
    });
  }
  try {
    unlinkSync(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw new OctantError('E_ADMIN_SOCKET', `${path}: cannot remove the stale socket: ${messageOf(error)}`, { cause: error });
  }
}

/** Bind `server` to `path` with mode 0600 from the first moment. */
export async function listenOwnerOnly(server: Server, path: string): Promise<void> {
  prepareRunDir(dirname(path));
  await clearStaleSocket(path);
  const listening = new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  // The bind happens synchronously inside listen() for a Unix socket, so the
  // umask applies to exactly this socket and is restored at once.
  const previous = process.umask(0o177);
  try {
    server.listen(path);
  } finally {
    process.umask(previous);
  }
  try {
    await listening;
  } catch (error) {
    if (errnoOf(error) === 'EADDRINUSE') {
      throw new OctantError('E_ALREADY_RUNNING', `${path}: another OctantOS instance bound the admin socket first`, { exit: EXIT.unavailable });
    }
    throw new OctantError('E_ADMIN_SOCKET', `${path}: cannot listen: ${messageOf(error)}`, { cause: error });
  }
  const mode = statSync(path).mode & 0o777;
  if (mode !== 0o600) {
    server.close();
    throw new OctantError('E_ADMIN_SOCKET', `${path}: socket came out with mode ${mode.toString(8)}, expected 600`);
  }
}

// Talking to a running system through its admin socket (server.ts), with
// the HTTP core's client (lib/http/client.ts). When nothing answers the
// error is E_NOT_RUNNING, so a CLI command can tell "the system is down"
// apart from "the system said no".
//
//   admin(paths).call(SYSTEM_API.status)           typed, from the declarations
//   admin(paths, 'vault').call(VAULT_API.status)   a service's routes (/v1/vault/...)
//   adminRequest(paths, 'GET', '/v1/status')       the raw reply (probes; tests of hostile input)

import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import { createClient, replyError as rebuild, requestJson, streamLines, type Client, type ClientOptions, type RawReply, type Transport } from '../../lib/http/client.ts';
import { adminSocketPath, type Paths } from '../paths.ts';
import { API_PREFIX } from './types.ts';

export type AdminReply = RawReply;

function options(socketPath: string): ClientOptions {
  return {
    statusCode: 'E_ADMIN_STATUS',
    connectError: (error) => {
      const down = error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET';
      if (!down) return new OctantError('E_ADMIN_CLIENT', `${socketPath}: ${messageOf(error)}`, { cause: error });
      return new OctantError('E_NOT_RUNNING', `no OctantOS system answers on ${socketPath}`, {
        exit: EXIT.unavailable,
        hint: "start it with 'octant boot' (or 'octant up')",
        cause: error,
      });
    },
  };
}

function transport(paths: Paths): Transport {
  return { socketPath: adminSocketPath(paths) };
}

/** The typed client of the system's routes (/v1/...), or of one service's (/v1/<service>/...). */
export function admin(paths: Paths, service?: string): Client {
  const socketPath = adminSocketPath(paths);
  return createClient({ socketPath }, service === undefined ? API_PREFIX : `${API_PREFIX}/${service}`, options(socketPath));
}

/** One request; the reply body parsed as JSON (or the raw text if it is not JSON). */
export function adminRequest(paths: Paths, method: string, path: string, body?: unknown): Promise<AdminReply> {
  return requestJson(transport(paths), method, path, body, options(adminSocketPath(paths)));
}

/** Rebuild the OctantError an error reply carries: the server's code, message, hint and exit code. */
export function replyError(method: string, path: string, reply: AdminReply): OctantError {
  return rebuild(method, path, reply, 'E_ADMIN_STATUS');
}

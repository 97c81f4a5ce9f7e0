// Opens raw connections to a Unix socket and notes which the server closes:
// the probe of every per-agent connection cap.
import { connect, type Socket } from 'node:net';

export interface OpenedConnections {
  sockets: Socket[];
  /** closed[i]: connection i has been closed (by the server, or by destroyAll). */
  closed: boolean[];
  destroyAll(): void;
}

export function openConnections(socketPath: string, count: number): OpenedConnections {
  const sockets: Socket[] = [];
  const closed: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const s = connect(socketPath);
    s.on('error', () => {});
    const index = closed.push(false) - 1;
    s.on('close', () => { closed[index] = true; });
    sockets.push(s);
  }
  return { sockets, closed, destroyAll: () => { for (const s of sockets) s.destroy(); } };
}

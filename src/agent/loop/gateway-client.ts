// The agent side of the gateway: JSON over HTTP on the Unix socket bound
// into the sandbox. The loop has no other way out: no network, no files
// beyond its bind mounts, no credentials.

import { request } from 'node:http';
import type { ToolSpec } from '../gateway/tool-specs.ts';
import type { ToolReply } from '../gateway/mediator.ts';
import { OctantError } from '../../lib/errors.ts';

export interface GatewayClient {
  tools(): Promise<ToolSpec[]>;
  call(tool: string, args: unknown): Promise<ToolReply>;
  chat(body: Record<string, unknown>): Promise<Record<string, unknown>>;
  log(line: Record<string, unknown>): Promise<void>;
}

export function gatewayClient(socketPath: string, token: string, timeoutMs = 120_000): GatewayClient {
  const send = (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request({
        socketPath, path, method, timeout: timeoutMs,
        headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, json: text === '' ? {} : JSON.parse(text) });
          } catch {
            reject(new OctantError('E_GATEWAY_REPLY', `${method} ${path}: reply is not JSON (status ${res.statusCode})`));
          }
        });
      });
      req.on('timeout', () => req.destroy(new OctantError('E_GATEWAY_TIMEOUT', `${method} ${path}: no reply within ${timeoutMs} ms`)));
      req.on('error', (error) => reject(error instanceof OctantError ? error : new OctantError('E_GATEWAY_UNREACHABLE', `${socketPath}: ${error.message}`)));
      req.end(payload);
    });
  const ok = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const { status, json } = await send(method, path, body);
    if (status >= 400) {
      const error = (json as { error?: { code?: string; message?: string } }).error;
      throw new OctantError(error?.code ?? 'E_GATEWAY_STATUS', `${method} ${path}: ${status} ${error?.message ?? ''}`.trim());
    }
    return json;
  };
  return {
    tools: async () => ((await ok('GET', '/octant/v1/tools')) as { tools: ToolSpec[] }).tools,
    call: async (tool, args) => (await ok('POST', `/octant/v1/tools/${tool}`, args)) as ToolReply,
    chat: async (body) => (await ok('POST', '/v1/chat/completions', body)) as Record<string, unknown>,
    log: async (line) => { await ok('POST', '/octant/v1/log', line); },
  };
}

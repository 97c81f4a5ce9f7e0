// http.fetch: an HTTP(S) request made for the agent by the gateway, sent
// through the agent's own egress proxy (so the proxy's allowlist, DNS
// pinning, shaping and ledger record apply exactly as to traffic from inside
// the sandbox). Headers may carry vault placeholders (`octant-secret:NAME`);
// the vault swaps in the value only toward a host the secret's rule allows.
// The response body is redacted as it arrives, before the size cap cuts it
// (a secret straddling the cut is withheld, not half shown), and then goes
// through the gateway's redactor like any result.

import type { IncomingMessage } from 'node:http';
import { compileRules, decide, parseAuthority, parseHttpUrl, screenName, type Target } from '../../kernel/net/match.ts';
import { StringDecoder } from 'node:string_decoder';
import { pushSliced } from '../../services/vault/api.ts';
import type { OutboundRequest, RedactionStream } from '../../services/vault/api.ts';
import type { Tool, ToolDescription } from './tool.ts';
import { argsError, deniedError, readArgs, stringArg } from './tool-errors.ts';
import { contentDigest, contentReview } from './evidence.ts';
import { viaProxy } from './egress-request.ts';

const MAX_BODY = 1024 * 1024;
const TIMEOUT_MS = 30_000;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface FetchArgs {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpFetchDeps {
  /** VaultApi.injectPlaceholders: replaces placeholders, host-bound, recorded by the vault. */
  injectPlaceholders(token: string, request: OutboundRequest): Promise<OutboundRequest>;
  /** VaultApi.redactStream: created after injection, so it knows the values just put in. */
  redactStream(): RedactionStream;
  /** The "new destination" system policy: the first request to a host is critical. */
  newDestinationIsCritical?: boolean;
}

function parseFetchArgs(raw: unknown): FetchArgs {
  const args = readArgs('http.fetch', raw, ['url', 'method', 'headers', 'body']);
  const url = stringArg('http.fetch', args, 'url', { max: MAX_URL })!;
  const method = (stringArg('http.fetch', args, 'method', { optional: true }) ?? 'GET').toUpperCase();
  if (!METHODS.includes(method)) throw argsError('http.fetch', 'method', `must be one of ${METHODS.join(', ')}`);
  const headers: Record<string, string> = {};
  if (args.headers !== undefined) {
    if (args.headers === null || typeof args.headers !== 'object' || Array.isArray(args.headers)) throw argsError('http.fetch', 'headers', 'must be an object of strings');
    for (const [k, v] of Object.entries(args.headers)) {
      if (typeof v !== 'string' || /[\r\n\0]/.test(v) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw argsError('http.fetch', `headers.${k}`, 'must be a valid header name with a single-line string value');
      headers[k.toLowerCase()] = v;
    }
  }
  return { url, method, headers, body: stringArg('http.fetch', args, 'body', { optional: true, max: MAX_BODY }) };
}

/**
 * The body, redacted piece by piece as it arrives (bounded work per turn),
 * up to MAX_BODY bytes; the stream's end withholds a secret the cap cut.
 */
async function readBody(res: IncomingMessage, redaction: RedactionStream): Promise<{ text: string; truncated: boolean }> {
  const decoder = new StringDecoder('utf8');
  const out: string[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of res) {
    let bytes = chunk as Buffer;
    if (size + bytes.length > MAX_BODY) {
      bytes = bytes.subarray(0, MAX_BODY - size);
      truncated = true;
    }
    size += bytes.length;
    out.push(await pushSliced(redaction, decoder.write(bytes)));
    if (truncated) { res.destroy(); break; }
  }
  out.push(redaction.push(decoder.end()), redaction.end());
  return { text: out.join(''), truncated };
}

const MAX_URL = 8192;

export const httpFetchDescription: ToolDescription = {
  name: 'http.fetch',
  action: 'net.request',
  description: 'Make an HTTP(S) request to a destination this agent may reach. Header values may name a vault grant as octant-secret:NAME.',
  parameters: {
    type: 'object',
    properties: { url: { type: 'string', maxLength: MAX_URL }, method: { type: 'string', enum: METHODS, default: 'GET' }, headers: { type: 'object', additionalProperties: { type: 'string' } }, body: { type: 'string', maxLength: MAX_BODY } },
    required: ['url'],
    additionalProperties: false,
  },
  limits: [`keeps at most ${MAX_BODY} bytes of the response body (redacted); more is cut and marked truncated`, `gives up when the connection is idle for ${TIMEOUT_MS} ms`],
};

export function httpFetchTool(deps: HttpFetchDeps): Tool<FetchArgs> {
  return {
    ...httpFetchDescription,
    parse: parseFetchArgs,
    check(session, args) {
      const mode = /^https:/i.test(args.url) ? 'connect' : 'http';
      let target: Target;
      try {
        // The same strict parser the proxy applies: https goes as a CONNECT to host:port.
        const authority = /^https:\/\/([^/?#]*)/i.exec(args.url)?.[1];
        target = mode === 'http' ? parseHttpUrl(args.url) : parseAuthority(authority ?? '', 443);
        if (mode === 'connect' && authority === undefined) throw new Error('expected an http:// or https:// URL');
      } catch (error) {
        throw argsError('http.fetch', 'url', (error as Error).message);
      }
      const rules = compileRules(session.manifest.network.destinations);
      // Names are screened here; the proxy resolves and decides on the address.
      const refused = target.host.kind === 'name' ? screenName(rules, mode, target) : decide(rules, mode, target, target.host.ip);
      if (refused !== undefined && !refused.allowed) throw deniedError('http.fetch', refused.reason);
      if (session.egressSocket === undefined) throw deniedError('http.fetch', 'this agent has no egress proxy');
      const where = `${target.hostText}:${target.port}`;
      const secrets = Object.values(args.headers).some((v) => v.includes('octant-secret:'));
      const critical = deps.newDestinationIsCritical && !session.contacted.has(where) ? `first request to ${where}` : undefined;
      const body = args.body === undefined ? {} : { body: contentDigest(args.body) };
      return {
        target: `${args.method} ${args.url}`,
        critical,
        evidence: { host: where, credentials: secrets, ...body },
        ...(args.body === undefined ? {} : { review: contentReview(args.body) }),
        // Injecting a vault credential is its own governed action.
        ...(secrets ? { alsoActions: ['credential.use'] } : {}),
      };
    },
    async perform(session, args, _target, signal) {
      const url = new URL(args.url);
      let outbound: OutboundRequest = { url: args.url, headers: args.headers };
      if (Object.values(args.headers).some((v) => v.includes('octant-secret:'))) outbound = await deps.injectPlaceholders(session.token, outbound);
      const res = await viaProxy(session.egressSocket!, { ...outbound, method: args.method, body: args.body }, signal, { tool: 'http.fetch', timeoutMs: TIMEOUT_MS });
      session.contacted.add(`${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`);
      const body = await readBody(res, deps.redactStream());
      return { status: res.statusCode, headers: { 'content-type': res.headers['content-type'] }, body: body.text, truncated: body.truncated };
    },
  };
}

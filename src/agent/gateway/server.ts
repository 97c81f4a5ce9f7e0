// The gateway an agent talks through: one HTTP app per agent on a Unix
// socket that is bound into that agent's sandbox, served by the HTTP core
// (lib/http). The socket itself names the agent (no agent can reach
// another's), and every request must also carry the agent's token
// (Authorization: Bearer, or x-api-key as SDKs send it).
//
//   GET  /octant/v1/tools            the tools this agent may call (for the model)
//   POST /octant/v1/tools/:name      call a tool through the mediator
//   POST /octant/v1/log              the agent loop's transcript lines
//   *    /v1/...                     the LLM gateway (OpenAI/Anthropic-compatible), when mounted
//
// The per-agent limits (limits.ts) are the core's hooks: connections are
// admitted against the agent's cap and the daemon's descriptor budget;
// each request against in-flight, bytes-per-second and the token before
// its body is read; the body size by the core's one reader.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { OctantError } from '../../lib/errors.ts';
import type { Surface } from '../../lib/http/errors.ts';
import { serveUnix } from '../../lib/http/listen.ts';
import { json, on, type RouteGroup } from '../../lib/http/route.ts';
import type { HttpApp } from '../../lib/http/serve.ts';
import type { AgentSession } from '../tools/tool.ts';
import type { Mediator } from './mediator.ts';
import { toolSpecs } from './tool-specs.ts';
import { ByteRate, DEFAULT_GATEWAY_LIMITS, DescriptorBudget, type GatewayLimits, type LimitKind } from './limits.ts';

export interface GatewayOptions {
  socketPath: string;
  session: AgentSession;
  token: string;
  mediator: Mediator;
  /** The LLM gateway's routes for /v1/* (the router's); absent means 404 there. */
  llm?: readonly RouteGroup<unknown>[];
  /** Transcript sink for the loop's own record of the conversation. */
  transcript?: (line: Record<string, unknown>) => void | Promise<void>;
  /** Per-agent limits (limits.ts); default DEFAULT_GATEWAY_LIMITS. */
  limits?: Partial<GatewayLimits>;
  /** The descriptors all gateways share (one per daemon); default: a budget of this gateway's own. */
  descriptors?: DescriptorBudget;
  /** Told of each limit hit (the ledger, throttled: limitRecorder). */
  onLimit?: (kind: LimitKind, detail: Record<string, unknown>) => void;
}

export interface Gateway {
  socketPath: string;
  close(): Promise<void>;
}

/** The refusals are the core's (E_GATEWAY_BODY, E_GATEWAY_BODY_TOO_LARGE, E_GATEWAY_NOT_FOUND). */
export const AGENT_GATEWAY_SURFACE: Surface = { label: 'gateway', prefix: 'E_GATEWAY' };

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time token check (hashes first, so lengths never leak). */
export function tokenMatches(presented: string | undefined, expectedHash: Buffer): boolean {
  return presented !== undefined && timingSafeEqual(sha256(presented), expectedHash);
}

export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const key = req.headers['x-api-key'];
  return typeof key === 'string' ? key : undefined;
}

/** A rate refusal: 429 with Retry-After (lib/http/errors.ts writes it from retryAfterMs). */
function tooMany(code: string, message: string, retryAfterMs = 1000): OctantError {
  return new OctantError(code, message, { detail: { status: 429, retryAfterMs } });
}

const TOOL_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/** An empty body is an empty object: a tool without arguments, a bare log line. */
const objectOrEmpty = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {});

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const tokenHash = sha256(options.token);
  const limits: GatewayLimits = { ...DEFAULT_GATEWAY_LIMITS, ...options.limits };
  const descriptors = options.descriptors ?? new DescriptorBudget();
  const rate = new ByteRate(limits.bytesPerSecond);
  const onLimit = options.onLimit ?? ((): void => {});
  let connections = 0;
  let requests = 0;

  const own: RouteGroup = {
    prefix: '/octant/v1',
    routes: [
      on('GET', '/tools', () => ({ tools: toolSpecs(options.mediator.tools) })),
      on('POST', '/log', async ({ body }) => {
        await options.transcript?.(objectOrEmpty(body));
        return json(null, { status: 204 });
      }),
      on('POST', '/tools/:name', async ({ params, body, signal }) => {
        if (!TOOL_NAME.test(params.name)) throw new OctantError('E_GATEWAY_NOT_FOUND', `gateway: no tool route ${params.name}`, { detail: { status: 404 } });
        // The arguments as the agent sent them (a value that is not an object is the tool's to refuse);
        // the signal aborts when the agent goes away or the gateway closes.
        return options.mediator.mediate(options.session, params.name.replaceAll('_', '.'), body ?? {}, signal);
      }),
    ],
  };
  const groups = [own, ...(options.llm ?? [])];

  const app: HttpApp = {
    surface: AGENT_GATEWAY_SURFACE,
    groups: () => groups,
    // A model request may be as large as the router's own limit; headers within 10 s, a body within 60 s.
    limits: { maxBodyBytes: limits.maxBodyBytes, headTimeoutMs: 10_000, bodyTimeoutMs: 60_000 },
    // Descriptors: this agent's own cap, and the daemon-wide budget every
    // gateway shares, so the services' reserve is never reached by agents.
    connections: {
      admit: () => {
        if (connections >= limits.maxConnections) {
          onLimit('connections', { limit: limits.maxConnections });
          return false;
        }
        if (!descriptors.take()) {
          onLimit('daemon-descriptors', { limit: descriptors.total });
          return false;
        }
        connections += 1;
        return true;
      },
      release: () => {
        connections -= 1;
        descriptors.release();
      },
    },
    admit: (req, res) => {
      // Concurrency: requests in flight, counted until the reply is done.
      if (requests >= limits.maxInFlight) {
        onLimit('in-flight', { limit: limits.maxInFlight });
        throw tooMany('E_GATEWAY_LIMIT_IN_FLIGHT', `this agent already has ${limits.maxInFlight} requests in flight`);
      }
      requests += 1;
      res.once('close', () => { requests -= 1; });
      // Throughput, from what the request declares (a body over the cap counts as the cap; the core refuses it).
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limits.maxBodyBytes) onLimit('body-bytes', { limit: limits.maxBodyBytes, declared });
      if (!rate.take(Number.isFinite(declared) ? Math.min(declared, limits.maxBodyBytes) : 0)) {
        onLimit('bytes-per-second', { limit: limits.bytesPerSecond });
        throw tooMany('E_GATEWAY_LIMIT_RATE', `this agent sent over ${limits.bytesPerSecond} bytes in the last second`, rate.retryAfterMs());
      }
      if (!tokenMatches(presentedToken(req), tokenHash)) throw new OctantError('E_GATEWAY_TOKEN', 'missing or wrong agent token', { detail: { status: 401 } });
    },
  };
  const served = await serveUnix(app, options.socketPath);
  return {
    socketPath: options.socketPath,
    // Tool calls in flight are told to stop: their signals abort as the connections close.
    close: served.close,
  };
}

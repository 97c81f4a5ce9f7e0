// search.query: a query to the search service for the agent, gated by the
// manifest's `search` domain (agent/manifest/search-grant.ts):
//   - a local index only if search.indexes names it (or "*"); never the ledger;
//   - a remote engine only if search.engines names it (or "*") AND
//     network.destinations allows its hosts, because the query leaves through
//     this agent's own egress proxy (egress-request.ts), whose allowlist is
//     that field: the proxy decides again on each connection, records it, and
//     the privacy rules (services/search private-fetch.ts) apply before it.
// Anything not granted is refused (E_TOOL_DENIED); the mediator records the
// refusal, records the allowed query before it runs (log first), redacts
// the hits before the agent sees them, and records the outcome.

import { createEngineFetch, forAgents, QUERY_LIMITS, readNameList, readQueryRequest, type EngineFetch, type EngineInfo, type QueryRequest, type RawSend, type SearchApi } from '../../services/search/api.ts';
import { firstDestinationOutside, readDestination, type Destination } from '../manifest/destination.ts';
import { searchAllows } from '../manifest/search-grant.ts';
import { viaProxy } from './egress-request.ts';
import type { AgentSession, Tool, ToolDescription } from './tool.ts';
import { argsError, deniedError } from './tool-errors.ts';

const TOOL = 'search.query';
const TIMEOUT_MS = 30_000;
/** A results page is far smaller; a larger answer is refused, not read on. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface SearchQueryArgs {
  request: QueryRequest;
  /** Local indexes asked for by name (the query's `engines` are the remote ones). */
  indexes?: string[];
}

export interface SearchQueryDeps {
  search: Pick<SearchApi, 'engines' | 'query'>;
  /** Trust anchors for TLS to remote engines instead of the system's (an operator's own CA); absent: the system's. */
  ca?: string | Buffer;
}

export const searchQueryDescription: ToolDescription = {
  name: TOOL,
  action: 'search.query',
  description: 'Search the local indexes and remote search engines this agent may query. Words must all match; "a phrase", prefix*, -word and field:value work where the engine supports them. Without engines or indexes, every granted one is asked.',
  parameters: {
    type: 'object',
    properties: {
      query: { type: 'string', maxLength: QUERY_LIMITS.textChars, description: 'what to search for (one line)' },
      indexes: { type: 'array', items: { type: 'string' }, maxItems: QUERY_LIMITS.engines, description: 'local indexes by name' },
      engines: { type: 'array', items: { type: 'string' }, maxItems: QUERY_LIMITS.engines, description: 'remote engines by name' },
      limit: { type: 'integer', minimum: 1, maximum: QUERY_LIMITS.maxLimit, default: 10, description: 'hits wanted' },
      offset: { type: 'integer', minimum: 0, maximum: QUERY_LIMITS.maxOffset, default: 0, description: 'hits to skip (the next page)' },
      filters: { type: 'object', additionalProperties: { type: 'string' }, description: 'exact matches on a hit\'s fields (e.g. {"lang": "en"})' },
      lang: { type: 'string', description: 'language of the query, for stemming (default en)' },
    },
    required: ['query'],
    additionalProperties: false,
  },
  limits: [
    `remote engines get ${TIMEOUT_MS / 1000} s per connection and the service's per-engine timeout; a late engine is left out and named in the reply`,
    'a remote engine needs both search.engines and its hosts in network.destinations',
  ],
};

function parse(raw: unknown): SearchQueryArgs {
  const fail = (field: string, expected: string): Error => argsError(TOOL, field, expected);
  const request = readQueryRequest(raw, fail, 'query', ['indexes']);
  const indexes = (raw as Record<string, unknown>).indexes;
  return indexes === undefined ? { request } : { request, indexes: readNameList(indexes, 'indexes', fail) };
}

/**
 * Does network.destinations allow `host` ("name", "*.domain", "address",
 * each with an optional ":port"), as https or as plain http? By the
 * manifest's own containment of destinations, so an engine reached at any
 * name under a domain ("*.wikipedia.org") needs a grant covering them all.
 */
export function hostAllowed(destinations: readonly Destination[], host: string): boolean {
  const split = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(host);
  const name = (split?.[1] ?? host).replace(/^\[|\]$/g, '');
  return (['https', 'http'] as const).some((protocol) => {
    const port = split === null ? (protocol === 'https' ? 443 : 80) : Number(split[2]);
    try {
      return firstDestinationOutside([readDestination({ host: name, ports: port, protocol }, 'host')], destinations) === -1;
    } catch {
      return false; // not a host the manifest could name: nothing allows it
    }
  });
}

/** The engines of this call, each checked against the manifest; throws E_TOOL_DENIED naming the first refused. */
export function grantedEngines(session: AgentSession, all: readonly EngineInfo[], args: SearchQueryArgs): EngineInfo[] {
  const grant = session.manifest.search;
  if (grant === undefined) throw deniedError(TOOL, 'this agent\'s manifest grants no search (search.engines, search.indexes)');
  const byName = new Map(all.map((e) => [e.name, e]));
  const unreachable = (e: EngineInfo): string | undefined => e.hosts.find((h) => !hostAllowed(session.manifest.network.destinations, h));
  const remote = (name: string, field: string): EngineInfo => {
    const e = byName.get(name);
    if (e === undefined || e.kind !== 'remote' || !searchAllows(grant, 'remote', name)) throw deniedError(TOOL, `${field}: ${name} is not a remote engine this agent may query`, 'search.engines in its manifest lists them');
    const host = unreachable(e);
    if (host !== undefined) throw deniedError(TOOL, `${field}: ${name} needs ${host}, which network.destinations does not allow`, 'a remote engine needs both search.engines and its hosts in network.destinations');
    return e;
  };
  const local = (name: string, field: string): EngineInfo => {
    const e = byName.get(name);
    if (e === undefined || e.kind !== 'local' || !forAgents(e) || !searchAllows(grant, 'local', name)) throw deniedError(TOOL, `${field}: ${name} is not a local index this agent may search`, 'search.indexes in its manifest lists them');
    return e;
  };
  const asked = args.request.engines !== undefined || args.indexes !== undefined;
  const chosen = asked
    ? [...(args.request.engines ?? []).map((n, i) => remote(n, `engines[${i}]`)), ...(args.indexes ?? []).map((n, i) => local(n, `indexes[${i}]`))]
    // Every granted one that exists and that the allowlist lets the query reach.
    : all.filter((e) => forAgents(e) && searchAllows(grant, e.kind, e.name) && (e.kind === 'local' || unreachable(e) === undefined));
  if (chosen.length === 0) throw deniedError(TOOL, asked ? 'no engine or index was named' : 'none of the engines and indexes its manifest grants exists here', "'octant search engines' lists what exists");
  if (chosen.some((e) => e.kind === 'remote') && session.egressSocket === undefined) throw deniedError(TOOL, 'this agent has no egress proxy, so no remote engine can be reached');
  return chosen;
}

/** A response body up to `max` bytes; one byte more is enough for the EngineFetch to refuse it as too large. */
async function collect(res: AsyncIterable<Buffer>, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) break;
  }
  return Buffer.concat(chunks);
}

/** The raw request, sent through this agent's egress proxy (the privacy rules were applied by the EngineFetch before it). */
function proxySend(egressSocket: string, ca: string | Buffer | undefined): RawSend {
  return async (request, signal) => {
    const res = await viaProxy(egressSocket, request, signal, { tool: TOOL, timeoutMs: TIMEOUT_MS, ...(ca === undefined ? {} : { ca }) });
    const body = await collect(res, MAX_RESPONSE_BYTES);
    res.destroy();
    return { status: res.statusCode ?? 0, headers: res.headers, body };
  };
}

/** Remote engines' requests, through this agent's egress proxy, with the privacy rules (services/search remote/privacy.ts). */
export function agentEngineFetch(egressSocket: string, ca?: string | Buffer): EngineFetch {
  return createEngineFetch(proxySend(egressSocket, ca), { maxBytes: MAX_RESPONSE_BYTES });
}

export function searchQueryTool(deps: SearchQueryDeps): Tool<SearchQueryArgs> {
  return {
    ...searchQueryDescription,
    parse,
    check(session, args) {
      const engines = grantedEngines(session, deps.search.engines(), args);
      const remote = engines.filter((e) => e.kind === 'remote');
      return {
        target: args.request.text,
        evidence: { engines: engines.map((e) => e.name), ...(remote.length > 0 ? { hosts: [...new Set(remote.flatMap((e) => e.hosts))] } : {}) },
        // A query to a remote engine is an outbound request too.
        ...(remote.length > 0 ? { alsoActions: ['net.request'] } : {}),
      };
    },
    async perform(session, args, _target, signal) {
      // Checked again here: the engines may have changed since the check (an index removed).
      const engines = grantedEngines(session, deps.search.engines(), args);
      const fetch = session.egressSocket === undefined ? undefined : agentEngineFetch(session.egressSocket, deps.ca);
      const result = await deps.search.query({ ...args.request, engines: engines.map((e) => e.name) }, { audience: 'agent', signal, ...(fetch === undefined ? {} : { fetch }) });
      return {
        hits: result.hits.map((h) => ({ title: h.title, ...(h.url === undefined ? {} : { url: h.url }), snippet: h.snippet, engine: h.engine, id: h.id, ...(h.meta === undefined ? {} : { meta: h.meta }) })),
        total: result.total,
        offset: result.offset,
        engines: result.engines.map((r) => ({ engine: r.engine, ok: r.ok, hits: r.hits, ...(r.error === undefined ? {} : { error: r.error.message }) })),
      };
    },
  };
}

// T3 through the router: a memory's text is sent to an embedding deployment
// (OpenAI's /v1/embeddings wire format, which the router's gateway serves)
// ONLY when the agent's manifest names that deployment as its remote
// embedder (manifest `memory.remoteEmbedder`). Without that grant the
// embedder cannot even be made: E_MEMORY_EGRESS, and memory never leaves
// the machine (docs/memory.md "What leaves the machine").
//
// Two ways to reach the router, one embedder:
//   - in the daemon, the router service's API (`embed(request, caller)`),
//     which budgets, ledgers and fails over like any other call;
//   - from outside it, the gateway's POST /v1/embeddings with the agent's
//     token (`embeddingsEndpoint`), the OpenAI wire format:
//     {model, input: [..], encoding_format: 'float'} -> {data: [{index, embedding}]}.
// Vectors are L2-normalized here (providers differ on whether they do), so
// the index can use dot products.

import { EXIT, OctantError } from '../../../lib/errors.ts';
import type { Embedder } from './embedder.ts';
import { normalize } from './hashed-embedding.ts';

/** Texts in, one vector per text out, in order. */
export type EmbedTransport = (model: string, input: string[]) => Promise<number[][]>;

/** The part of the router's API this needs (services/router/api.ts RouterApi.embed), for a given caller. */
export interface RouterEmbed<C> {
  embed(request: { model: string; input: string[] }, caller: C): Promise<{ vectors: number[][] }>;
}

export function viaRouter<C>(router: RouterEmbed<C>, caller: C): EmbedTransport {
  return async (model, input) => (await router.embed({ model, input }, caller)).vectors;
}

/** The gateway's (or any OpenAI-compatible) POST {baseUrl}/embeddings. */
export function embeddingsEndpoint(options: { baseUrl: string; token: string; timeoutMs?: number }): EmbedTransport {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  return async (model, input) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
      body: JSON.stringify({ model, input, encoding_format: 'float' }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
      throw new OctantError('E_MEMORY_EMBEDDER', `embeddings endpoint ${url}: HTTP ${res.status}${typeof message === 'string' ? `: ${message.slice(0, 200)}` : ''}`, { exit: EXIT.unavailable });
    }
    const data = (body as { data?: unknown } | undefined)?.data;
    if (!Array.isArray(data)) throw new OctantError('E_MEMORY_EMBEDDER', `embeddings endpoint ${url}: the answer has no data list`, { exit: EXIT.unavailable });
    const out: number[][] = new Array(input.length);
    for (const item of data as { index?: unknown; embedding?: unknown }[]) {
      const { index, embedding } = item;
      if (!(typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < input.length) || !Array.isArray(embedding) || !embedding.every((x) => typeof x === 'number')) {
        throw new OctantError('E_MEMORY_EMBEDDER', `embeddings endpoint ${url}: a malformed item in data`, { exit: EXIT.unavailable });
      }
      out[index] = embedding as number[];
    }
    return out;
  };
}

export interface RouterEmbedderOptions {
  /** The router deployment (or route) to embed with. */
  model: string;
  /** The manifest's `memory.remoteEmbedder`: the only model memory may be sent to (absent: none). */
  allowed: string | undefined;
  /** The deployment's vector size; a vector of another size is refused. */
  dims: number;
  transport: EmbedTransport;
  /** Texts per request (default 64). */
  batch?: number;
}

export function routerEmbedder(options: RouterEmbedderOptions): Embedder {
  const { model, dims, transport } = options;
  if (options.allowed === undefined || options.allowed !== model) {
    throw new OctantError('E_MEMORY_EGRESS', `memory may not be sent to '${model}' for embeddings: the manifest's memory.remoteEmbedder ${options.allowed === undefined ? 'is not set' : `names '${options.allowed}'`}`, {
      exit: EXIT.denied,
      hint: 'memory leaves the machine only for the deployment a manifest names in memory.remoteEmbedder; the built-in embedder works without it',
    });
  }
  if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`router embedder: dims must be a positive integer (got ${dims})`);
  const batch = options.batch ?? 64;
  return {
    id: `router:${model}:${dims}`,
    dims,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batch) {
        const part = texts.slice(i, i + batch);
        const vectors = await transport(model, part);
        if (vectors.length !== part.length) throw new OctantError('E_MEMORY_EMBEDDER', `embedder '${model}' returned ${vectors.length} vectors for ${part.length} texts`, { exit: EXIT.unavailable });
        for (const v of vectors) {
          if (v?.length !== dims) throw new OctantError('E_MEMORY_EMBEDDER', `embedder '${model}' returned a vector of ${v?.length ?? 0} dimensions, expected ${dims}`, { exit: EXIT.unavailable, hint: 'set the dimensions of the deployment the manifest names' });
          out.push(normalize(Float32Array.from(v)));
        }
      }
      return out;
    },
  };
}

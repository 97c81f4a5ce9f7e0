// memory.put|get|search|forget|relate: an agent's memory, through the one
// mediated path (parse → check → ledger → perform → redact → outcome). The
// context service keeps it, partitioned by agent name (docs/memory.md).
//
// What the manifest decides (memory-domain.ts):
//   - no `memory` domain: every memory tool is refused (and not offered);
//   - an agent reads and writes its own partition;
//   - it READS another agent's partition only when its own manifest lists
//     that agent in memory.read AND that agent's last manifest lists it in
//     memory.shareWith; it never writes another's partition.
// The ledger entries say which partition and how much, never the content:
// memory text is redacted through the vault before it is stored (the
// context service) and before it is returned (here and in the mediator).

import type { ContextApi, MemoryRef } from '../../services/context/api.ts';
import type { AgentSession, Tool, ToolDescription } from './tool.ts';
import { argsError, deniedError, readArgs, stringArg } from './tool-errors.ts';

export type MemoryPort = Pick<ContextApi, 'put' | 'get' | 'recall' | 'pinned' | 'forget' | 'relate' | 'sharesWith'>;

const MAX_TEXT = 16 * 1024;
const MAX_KEY = 256;
const MAX_K = 50;
const MAX_TAGS = 16;

const partitionParam = { type: 'string', maxLength: 63, description: 'another agent\'s name, to read the memory it shares with you (default: your own)' };
const refParams = { id: { type: 'string', maxLength: 128 }, key: { type: 'string', maxLength: MAX_KEY } };

export const memoryDescriptions: Record<'put' | 'get' | 'search' | 'forget' | 'relate', ToolDescription> = {
  put: {
    name: 'memory.put',
    action: 'memory.write',
    description: 'Remember a fact or a note across tasks and restarts. With a key (e.g. "user.timezone") it is a fact: a new fact on the same key replaces the old one, which stays in history. Pinned memories are always in your context. Secrets are redacted before anything is stored.',
    parameters: {
      type: 'object',
      properties: {
        text: { type: 'string', maxLength: MAX_TEXT },
        key: { type: 'string', maxLength: MAX_KEY },
        pinned: { type: 'boolean' },
        importance: { type: 'number', minimum: 0, maximum: 1 },
        tags: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: MAX_TAGS },
      },
      required: ['text'],
      additionalProperties: false,
    },
  },
  get: {
    name: 'memory.get',
    action: 'memory.read',
    description: 'Read one memory by id, or the fact now valid for a key.',
    parameters: { type: 'object', properties: { ...refParams, partition: partitionParam }, additionalProperties: false },
  },
  search: {
    name: 'memory.search',
    action: 'memory.read',
    description: 'Find memories relevant to a query (full text, vectors and the entity graph, fused), best first. With pinned: true, your pinned memories come too. A tier that could not answer (e.g. a remote embedder that failed) is listed in skipped.',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', maxLength: 4096 }, k: { type: 'integer', minimum: 1, maximum: MAX_K }, pinned: { type: 'boolean' }, partition: partitionParam },
      required: ['query'],
      additionalProperties: false,
    },
  },
  forget: {
    name: 'memory.forget',
    action: 'memory.write',
    description: 'Forget a memory by id, or a fact by key with all its history. It is removed from every tier and index.',
    parameters: { type: 'object', properties: refParams, additionalProperties: false },
  },
  relate: {
    name: 'memory.relate',
    action: 'memory.write',
    description: 'Record a relation between two entities (e.g. "alice" "works_at" "acme") in your memory\'s graph.',
    parameters: {
      type: 'object',
      properties: { from: { type: 'string', maxLength: 256 }, relation: { type: 'string', maxLength: 64 }, to: { type: 'string', maxLength: 256 } },
      required: ['from', 'relation', 'to'],
      additionalProperties: false,
    },
  },
};

/** The partition the session's agent owns: its name. */
function own(session: AgentSession): string {
  return session.manifest.identity.name;
}

/** Refuse every memory tool to an agent whose manifest has no memory (default-deny). */
function requireMemory(tool: string, session: AgentSession): void {
  if (session.manifest.memory === undefined) throw deniedError(tool, 'this agent has no memory (its manifest has no memory domain)', 'add `memory: {}` to the manifest to give the agent memory');
}

/**
 * The partition a read goes to, checked both ways: the reader's manifest
 * asks (memory.read) and the owner's last manifest shares (memory.shareWith).
 * Each missing side has its own message so an operator knows which manifest to change.
 */
function readable(tool: string, session: AgentSession, asked: string | undefined, port: MemoryPort): { partition: string; shared: boolean } {
  requireMemory(tool, session);
  const self = own(session);
  if (asked === undefined || asked === self) return { partition: self, shared: false };
  if (!(session.manifest.memory?.read ?? []).includes(asked)) throw deniedError(tool, `your manifest does not ask to read ${asked}'s memory (memory.read)`);
  if (!port.sharesWith(asked, self)) throw deniedError(tool, `${asked} does not share its memory with ${self} (its manifest's memory.shareWith)`);
  return { partition: asked, shared: true };
}

function optionalBoolean(tool: string, args: Record<string, unknown>, field: string): boolean | undefined {
  const value = args[field];
  if (value === undefined || typeof value === 'boolean') return value;
  throw argsError(tool, field, 'must be true or false');
}

function readRef(tool: string, args: Record<string, unknown>): MemoryRef {
  const id = stringArg(tool, args, 'id', { optional: true, max: 128 });
  const key = stringArg(tool, args, 'key', { optional: true, max: MAX_KEY });
  if ((id === undefined) === (key === undefined)) throw argsError(tool, 'id', 'or key: give exactly one of them');
  return id !== undefined ? { id } : { key: key! };
}

function nonEmpty(tool: string, args: Record<string, unknown>, field: string, max: number): string {
  const value = stringArg(tool, args, field, { max })!;
  if (value.trim() === '') throw argsError(tool, field, 'must not be empty');
  return value;
}

type PutArgs = { text: string; key?: string; pinned?: boolean; importance?: number; tags?: string[] };
type ReadArgs = { ref: MemoryRef; partition?: string };
type SearchArgs = { query: string; k: number; pinned: boolean; partition?: string };
type RelateArgs = { from: string; relation: string; to: string };

export function memoryTools(port: MemoryPort): [Tool<PutArgs>, Tool<ReadArgs>, Tool<SearchArgs>, Tool<MemoryRef>, Tool<RelateArgs>] {
  const put: Tool<PutArgs> = {
    ...memoryDescriptions.put,
    parse(raw) {
      const args = readArgs('memory.put', raw, ['text', 'key', 'pinned', 'importance', 'tags']);
      const out: PutArgs = { text: nonEmpty('memory.put', args, 'text', MAX_TEXT) };
      const key = stringArg('memory.put', args, 'key', { optional: true, max: MAX_KEY });
      if (key !== undefined) out.key = key;
      const pinned = optionalBoolean('memory.put', args, 'pinned');
      if (pinned !== undefined) out.pinned = pinned;
      if (args.importance !== undefined) {
        if (typeof args.importance !== 'number' || !(args.importance >= 0 && args.importance <= 1)) throw argsError('memory.put', 'importance', 'must be a number from 0 to 1');
        out.importance = args.importance;
      }
      if (args.tags !== undefined) {
        if (!Array.isArray(args.tags) || args.tags.length > MAX_TAGS) throw argsError('memory.put', 'tags', `must be a list of at most ${MAX_TAGS} strings`);
        out.tags = args.tags.map((tag, i) => stringArg('memory.put', { [`tags[${i}]`]: tag }, `tags[${i}]`, { max: 64 })!);
      }
      return out;
    },
    check(session, args) {
      requireMemory('memory.put', session);
      return { target: `memory:${own(session)}`, evidence: { partition: own(session), bytes: Buffer.byteLength(args.text), fact: args.key !== undefined, pinned: args.pinned === true } };
    },
    async perform(session, args) {
      const { memory, outcome } = await port.put(own(session), args);
      return { id: memory.id, outcome, kind: memory.kind, ...(memory.key !== undefined ? { key: memory.key } : {}), pinned: memory.pinned, stored: memory.text };
    },
  };
  const get: Tool<ReadArgs> = {
    ...memoryDescriptions.get,
    parse(raw) {
      const args = readArgs('memory.get', raw ?? {}, ['id', 'key', 'partition']);
      const partition = stringArg('memory.get', args, 'partition', { optional: true, max: 63 });
      return { ref: readRef('memory.get', args), ...(partition !== undefined ? { partition } : {}) };
    },
    check(session, args) {
      const { partition, shared } = readable('memory.get', session, args.partition, port);
      return { target: `memory:${partition}`, evidence: { partition, shared, by: 'id' in args.ref ? 'id' : 'key' } };
    },
    async perform(_session, args, target) {
      return { memory: (await port.get(target.slice('memory:'.length), args.ref)) ?? null };
    },
  };
  const search: Tool<SearchArgs> = {
    ...memoryDescriptions.search,
    parse(raw) {
      const args = readArgs('memory.search', raw, ['query', 'k', 'pinned', 'partition']);
      const k = args.k ?? 8;
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_K) throw argsError('memory.search', 'k', `must be an integer from 1 to ${MAX_K}`);
      const partition = stringArg('memory.search', args, 'partition', { optional: true, max: 63 });
      return { query: stringArg('memory.search', args, 'query', { max: 4096 })!, k, pinned: optionalBoolean('memory.search', args, 'pinned') ?? false, ...(partition !== undefined ? { partition } : {}) };
    },
    check(session, args) {
      const { partition, shared } = readable('memory.search', session, args.partition, port);
      return { target: `memory:${partition}`, evidence: { partition, shared, k: args.k, queryBytes: Buffer.byteLength(args.query) } };
    },
    async perform(session, args, target) {
      const partition = target.slice('memory:'.length);
      // The searching agent is named: a remote embedder embeds only its owner's queries.
      const { hits, skipped } = args.query.trim() === '' ? { hits: [], skipped: [] } : await port.recall(partition, args.query, args.k, own(session));
      const shown = hits.map((h) => ({ id: h.memory.id, text: h.memory.text, ...(h.memory.key !== undefined ? { key: h.memory.key } : {}), score: Number(h.score.toFixed(4)), recordedAt: new Date(h.memory.recordedAt).toISOString() }));
      const notes = skipped.length > 0 ? { skipped } : {};
      if (!args.pinned) return { hits: shown, ...notes };
      const pinned = (await port.pinned(partition)).map((m) => ({ id: m.id, text: m.text, ...(m.key !== undefined ? { key: m.key } : {}) }));
      return { pinned, hits: shown.filter((h) => !pinned.some((p) => p.id === h.id)), ...notes };
    },
  };
  const forget: Tool<MemoryRef> = {
    ...memoryDescriptions.forget,
    parse: (raw) => readRef('memory.forget', readArgs('memory.forget', raw, ['id', 'key'])),
    check(session, ref) {
      requireMemory('memory.forget', session);
      return { target: `memory:${own(session)}`, evidence: { partition: own(session), by: 'id' in ref ? 'id' : 'key' } };
    },
    async perform(session, ref) {
      return { forgotten: await port.forget(own(session), ref) };
    },
  };
  const relate: Tool<RelateArgs> = {
    ...memoryDescriptions.relate,
    parse(raw) {
      const args = readArgs('memory.relate', raw, ['from', 'relation', 'to']);
      return { from: nonEmpty('memory.relate', args, 'from', 256), relation: nonEmpty('memory.relate', args, 'relation', 64), to: nonEmpty('memory.relate', args, 'to', 256) };
    },
    check(session) {
      requireMemory('memory.relate', session);
      return { target: `memory:${own(session)}`, evidence: { partition: own(session) } };
    },
    async perform(session, args) {
      const { memory, outcome } = await port.relate(own(session), args);
      return { id: memory.id, outcome, stored: memory.text };
    },
  };
  return [put, get, search, forget, relate];
}

// octant memory list|get|search|forget|export|import|stats: agents' memory
// for operators (docs/memory.md). Each partition is named by its agent.
// Through the running system's context service (typed admin client); the
// reads also work with no system running, on the memory files directly.
// forget and import change memory, so they go through the running system,
// which records them in the ledger first and redacts what is imported.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { boolFlag, integerFlag, requirePositional, stringFlag, type Parsed } from '../../lib/args.ts';
import { EXIT, OctantError, messageOf, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import { admin } from '../../runtime/admin/client.ts';
import { loadConfig } from '../../runtime/config.ts';
import type { Paths } from '../../runtime/paths.ts';
import { SERVICES } from '../service-table.ts';
import { CONTEXT_API, openContextOffline, type ContextApi, type Memory, type MemoryRef } from '../../services/context/api.ts';
import type { Command, CommandContext } from './command.ts';
import { memoryEval } from './memory-eval.ts';
import { runningOrOffline } from './running-system.ts';

type Reads = Pick<ContextApi, 'partitions' | 'recent' | 'get' | 'search' | 'stats' | 'exportLines'>;

/** The reads, through the running system; with none running, on the files (closed after). */
async function reading<T>(paths: Paths, use: (context: Reads) => Promise<T>): Promise<T> {
  const client = admin(paths, 'context');
  const online: Reads = {
    partitions: async () => (await client.call(CONTEXT_API.partitions)).map((s) => s.partition),
    recent: (partition, limit) => client.call(CONTEXT_API.list, { partition, limit }),
    get: async (partition, ref) => (await client.call(CONTEXT_API.get, { partition, ...ref })) ?? undefined,
    search: (partition, query, k) => client.call(CONTEXT_API.search, { partition, query, k }),
    stats: (partition) => client.call(CONTEXT_API.stats, { partition }),
    exportLines: async (partition) => (await client.call(CONTEXT_API.export, { partition })).lines,
  };
  return runningOrOffline(() => use(online), async () => {
    const config = await loadConfig(paths, SERVICES);
    const offline = await openContextOffline(paths, String(config.services.context?.dir ?? ''));
    try {
      return await use(offline.context);
    } finally {
      await offline.close();
    }
  }, ['E_ADMIN_NOT_FOUND']);
}

const json = { json: { type: 'boolean', help: 'print JSON' } } as const;
const refOptions = {
  id: { type: 'string', value: 'ID', help: 'the memory with this id' },
  key: { type: 'string', value: 'KEY', help: 'the fact on this key (valid now)' },
} as const;

function refOf(parsed: Parsed, command: string): MemoryRef {
  const id = stringFlag(parsed, 'id');
  const key = stringFlag(parsed, 'key');
  if ((id === undefined) === (key === undefined)) throw usageError(`${command}: give exactly one of --id ID and --key KEY`);
  return id !== undefined ? { id } : { key: key! };
}

/** One memory on one line; what an agent wrote is escaped before it reaches a terminal. */
function memoryLine(m: Memory, score?: number): string {
  const flags = [m.kind, m.pinned ? 'pinned' : '', m.validTo !== undefined || m.supersededAt !== undefined ? 'past' : ''].filter((x) => x !== '').join(',');
  const when = new Date(m.recordedAt).toISOString().slice(0, 19);
  return `${m.id}  ${when}  ${flags.padEnd(12)}${score !== undefined ? ` ${score.toFixed(3)}` : ''}  ${m.key !== undefined ? `${safeField(m.key)}: ` : ''}${safeField(m.text)}`;
}

function print(io: Io, parsed: Parsed, value: unknown, lines: () => string[]): void {
  if (boolFlag(parsed, 'json')) writeJson(io.stdout, value);
  else for (const line of lines()) writeLine(io.stdout, line);
}

const AGENT_NAME = /^[a-z][a-z0-9-]{0,62}$/;

function agentOf(parsed: Parsed, command: string): string {
  const agent = requirePositional(parsed, 0, 'AGENT (the agent name the memory belongs to)', command);
  if (!AGENT_NAME.test(agent)) throw usageError(`${command}: AGENT '${safeField(agent.slice(0, 80))}' is not an agent name (lowercase letters, digits and -, starting with a letter)`);
  return agent;
}

/** A read of one agent's memory: refused, naming it, when that agent has none (no file is made for a misspelt name). */
async function ofAgent<T>(c: Reads, agent: string, read: () => Promise<T>): Promise<T> {
  if (!(await c.partitions()).includes(agent)) throw new OctantError('E_MEMORY_NOT_FOUND', `no agent named ${agent} has memory`, { exit: EXIT.failure, hint: "'octant memory list' lists the agents that have" });
  return read();
}

async function readLines(io: Io, file: string): Promise<string[]> {
  let text: string;
  try {
    text = file === '-' ? await new Promise<string>((done, fail) => {
      let data = '';
      io.stdin.setEncoding('utf8');
      io.stdin.on('data', (chunk: string) => { data += chunk; });
      io.stdin.on('end', () => done(data));
      io.stdin.on('error', fail);
    }) : readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new OctantError('E_MEMORY_IMPORT', `memory import: ${file}: ${messageOf(error)}`, { exit: EXIT.usage });
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new OctantError('E_MEMORY_IMPORT', `memory import: ${file}: empty (expected an export: a header line, then one memory per line)`, { exit: EXIT.usage });
  return lines;
}

export const command: Command = {
  name: 'memory',
  summary: 'agents\' memory: list, read, search, forget, export and import a partition; measure recall',
  notes: `A partition is named by its agent (manifest identity.name): runs of the same agent share it.
list, get, search, stats and export work with or without a running system; forget and import
need one (they are recorded in the ledger first, and imported text is redacted through the vault).
eval needs none: it measures recall on a benchmark file with a throwaway store of its own.`,
  subcommands: [
    {
      name: 'list',
      summary: 'the partitions (no AGENT), or an agent\'s newest memories',
      synopsis: ['[AGENT] [--limit N] [--json]'],
      options: { limit: { type: 'string', value: 'N', help: 'at most N memories (default 50)' }, ...json },
      async run(parsed, ctx: CommandContext) {
        const agent = parsed.positionals[0] === undefined ? undefined : agentOf(parsed, 'memory list');
        const limit = integerFlag(parsed, 'limit', 'memory list', 1, 1000) ?? 50;
        if (agent === undefined) {
          const stats = await reading(ctx.paths(), async (c) => Promise.all((await c.partitions()).map((p) => c.stats(p))));
          print(ctx.io, parsed, stats, () => (stats.length === 0 ? ['no agent has memory yet'] : stats.map((s) => `${s.partition.padEnd(24)} ${String(s.memories).padStart(7)} memories  ${String(s.pinned).padStart(4)} pinned${s.sharedWith.length > 0 ? `  shared with ${s.sharedWith.join(', ')}` : ''}`)));
          return 0;
        }
        const memories = await reading(ctx.paths(), (c) => ofAgent(c, agent, () => c.recent(agent, limit)));
        print(ctx.io, parsed, memories, () => (memories.length === 0 ? [`${agent} has no memories`] : memories.map((m) => memoryLine(m))));
        return 0;
      },
    },
    {
      name: 'get',
      summary: 'one memory by id, or the fact valid now for a key',
      synopsis: ['AGENT (--id ID | --key KEY) [--json]'],
      options: { ...refOptions, ...json },
      async run(parsed, ctx) {
        const agent = agentOf(parsed, 'memory get');
        const ref = refOf(parsed, 'memory get');
        const memory = await reading(ctx.paths(), (c) => ofAgent(c, agent, () => c.get(agent, ref)));
        if (memory === undefined) throw new OctantError('E_MEMORY_NOT_FOUND', `memory get: ${agent} has no memory ${'id' in ref ? `with id ${ref.id}` : `on key ${ref.key}`}`, { exit: EXIT.failure });
        print(ctx.io, parsed, memory, () => [memoryLine(memory)]);
        return 0;
      },
    },
    {
      name: 'search',
      summary: 'hybrid recall over an agent\'s memory, best first',
      synopsis: ['AGENT QUERY [--k N] [--json]'],
      options: { k: { type: 'string', value: 'N', help: 'at most N hits (default 10)' }, ...json },
      async run(parsed, ctx) {
        const agent = agentOf(parsed, 'memory search');
        const query = requirePositional(parsed, 1, 'QUERY', 'memory search');
        const k = integerFlag(parsed, 'k', 'memory search', 1, 1000) ?? 10;
        const hits = await reading(ctx.paths(), (c) => ofAgent(c, agent, () => c.search(agent, query, k)));
        print(ctx.io, parsed, hits, () => (hits.length === 0 ? ['nothing found'] : hits.map((h) => memoryLine(h.memory, h.score))));
        return 0;
      },
    },
    {
      name: 'forget',
      summary: 'forget a memory (or a fact with its history) from every tier, through the running system',
      synopsis: ['AGENT (--id ID | --key KEY) [--json]'],
      options: { ...refOptions, ...json },
      async run(parsed, ctx) {
        const agent = agentOf(parsed, 'memory forget');
        const result = await admin(ctx.paths(), 'context').call(CONTEXT_API.forget, { partition: agent, ...refOf(parsed, 'memory forget') });
        print(ctx.io, parsed, result, () => [`forgot ${result.forgotten} memor${result.forgotten === 1 ? 'y' : 'ies'} of ${agent}`]);
        return result.forgotten > 0 ? 0 : EXIT.failure;
      },
    },
    {
      name: 'export',
      summary: 'an agent\'s whole memory, history included, as JSON lines',
      synopsis: ['AGENT [--out FILE]'],
      options: { out: { type: 'string', value: 'FILE', help: 'write it to FILE (mode 0600) instead of stdout' } },
      async run(parsed, ctx) {
        const agent = agentOf(parsed, 'memory export');
        const lines = await reading(ctx.paths(), (c) => ofAgent(c, agent, () => c.exportLines(agent)));
        const out = stringFlag(parsed, 'out');
        if (out === undefined) for (const line of lines) writeLine(ctx.io.stdout, line);
        else writeFileSync(resolve(ctx.io.cwd, out), `${lines.join('\n')}\n`, { mode: 0o600 });
        return 0;
      },
    },
    {
      name: 'import',
      summary: 'add an export\'s memories to an agent\'s partition, through the running system',
      synopsis: ['AGENT FILE|- [--json]'],
      options: json,
      async run(parsed, ctx) {
        const agent = agentOf(parsed, 'memory import');
        const lines = await readLines(ctx.io, requirePositional(parsed, 1, 'FILE (an export, or - for stdin)', 'memory import'));
        const result = await admin(ctx.paths(), 'context').call(CONTEXT_API.import, { partition: agent, lines });
        print(ctx.io, parsed, result, () => [`imported ${result.imported} memories into ${agent} (${result.skipped} already there)`]);
        return 0;
      },
    },
    {
      name: 'stats',
      summary: 'counts of an agent\'s memory: by kind, versions, pinned, bytes, sharing, embedder',
      synopsis: ['AGENT [--json]'],
      options: json,
      async run(parsed, ctx) {
        const agent = agentOf(parsed, 'memory stats');
        const s = await reading(ctx.paths(), (c) => ofAgent(c, agent, () => c.stats(agent)));
        print(ctx.io, parsed, s, () => [
          `${s.partition}: ${s.memories} memories (${s.byKind.fact} facts, ${s.byKind.note} notes, ${s.byKind.turn} turns), ${s.versions} versions, ${s.pinned} pinned, ${s.bytes} bytes`,
          `shared with: ${s.sharedWith.length > 0 ? s.sharedWith.join(', ') : 'nobody'}`,
          ...(s.embedder !== undefined ? [`embedder: ${s.embedder.current}${s.embedder.reembedding ? ` (re-embedding for ${s.embedder.target})` : ''}`] : []),
        ]);
        return 0;
      },
    },
    memoryEval,
  ],
};

// octant search query|engines|stats: the search service for operators
// (docs/search.md). With a system running, each goes through its admin API
// (the running service's engines and figures); without one, the same code
// runs in this process over the same files: the query is recorded in the
// ledger first all the same, and its hits are redacted (of common key
// formats only: the vault's own values need the running, unsealed vault).

import { boolFlag, numberFlag, requirePositional, stringsFlag, type Parsed } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import { admin } from '../../runtime/admin/client.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { EngineList, OperatorQuery, OperatorSearch, QueryResult, SearchStats } from '../../services/search/api.ts';
import { SEARCH_API } from '../../services/search/api.ts';
import type { Command, CommandContext } from './command.ts';
import { runningOrOffline } from './running-system.ts';

/** The same search the service runs, in this process (no system answers). */
async function offline(paths: Paths): Promise<OperatorSearch> {
  const [{ loadConfig }, { validateConfig }, { recordEvent }, { Redactor }, search] = await Promise.all([
    import('../../runtime/config.ts'), import('../../runtime/config-schema.ts'), import('../../services/ledger/api.ts'), import('../../services/vault/api.ts'), import('../../services/search/api.ts'),
  ]);
  const config = await loadConfig(paths, [search.searchService]);
  const settings = validateConfig(search.SEARCH_CONFIG, config.services.search ?? {}, 'services.search', config.file);
  const redactor = new Redactor();
  return search.operatorSearch({ paths, settings, ledger: (event) => recordEvent(paths, event), redact: (t) => redactor.redact(t), redactAsync: (t) => redactor.redactAsync(t) });
}

/** `running()` through the system's search service, else `local()` on the search built here. */
function either<T>(paths: Paths, running: () => Promise<T>, local: (search: OperatorSearch) => Promise<T> | T): Promise<T> {
  // A system without a search service answers E_ADMIN_NOT_FOUND: the same as none for these commands.
  return runningOrOffline(running, async () => local(await offline(paths)), ['E_ADMIN_NOT_FOUND']);
}

function queryOf(parsed: Parsed): OperatorQuery {
  const text = requirePositional(parsed, 0, 'TEXT', 'search query');
  const engines = [...stringsFlag(parsed, 'engine'), ...stringsFlag(parsed, 'index')];
  const limit = numberFlag(parsed, 'limit', 'search query');
  const offset = numberFlag(parsed, 'offset', 'search query');
  if (parsed.positionals.length > 1) throw usageError('search query: give the query as one argument (quote it)', `octant search query "${parsed.positionals.join(' ')}"`);
  return {
    text,
    ...(engines.length === 0 ? {} : { engines }),
    ...(limit === undefined ? {} : { limit }),
    ...(offset === undefined ? {} : { offset }),
    ...(boolFlag(parsed, 'remote') ? { remote: true } : {}),
  };
}

function printResult(io: Io, r: QueryResult): void {
  if (r.hits.length === 0) writeLine(io.stdout, 'no hits');
  r.hits.forEach((hit, i) => {
    writeLine(io.stdout, `${String(r.offset + i + 1).padStart(3)}. ${safeField(hit.title)}  [${hit.engine}]`);
    if (hit.url !== undefined) writeLine(io.stdout, `     ${safeField(hit.url)}`);
    if (hit.snippet !== '') writeLine(io.stdout, `     ${safeField(hit.snippet)}`);
  });
  const shown = r.hits.length === 0 ? '' : `${r.offset + 1}-${r.offset + r.hits.length} of `;
  writeLine(io.stdout, `${shown}${r.total} hit(s) from ${r.engines.length} engine(s)`);
  for (const e of r.engines.filter((x) => !x.ok)) writeLine(io.stdout, `  ${e.engine}: ${safeField(e.error?.message ?? 'failed')}`);
}

function printEngines(io: Io, list: EngineList): void {
  for (const e of list.engines) {
    const flags = [e.tested ? 'tested' : 'untested', e.operatorOnly ? 'operators only' : '', e.suspended ? `suspended until ${e.suspended.until}: ${e.suspended.reason}` : ''].filter(Boolean).join(', ');
    writeLine(io.stdout, `${e.name.padEnd(20)} ${e.kind.padEnd(6)} ${e.category.padEnd(9)} ${flags}${e.hosts.length > 0 ? `  ${e.hosts.join(' ')}` : ''}`);
  }
  // The count is honest: a remote engine counts only when its adapter has tests against its fixtures.
  writeLine(io.stdout, `${list.counts.local} local, ${list.counts.remote} remote engine(s) (${list.counts.tested} remote with tests)`);
}

function printStats(io: Io, s: SearchStats): void {
  writeLine(io.stdout, `engines: ${s.engines.local} local, ${s.engines.remote} remote (${s.engines.tested} remote with tests)`);
  writeLine(io.stdout, `queries since start: ${s.queries.total} (${s.queries.failed} failed)`);
  for (const index of s.indexes) writeLine(io.stdout, `index ${safeField(JSON.stringify(index))}`);
}

const JSON_FLAG = { json: { type: 'boolean', help: 'print it as JSON' } } as const;

export const command: Command = {
  name: 'search',
  summary: 'search local indexes, remote engines and the ledger; list engines; figures',
  notes: `Each query is recorded in the ledger before it runs, and its hits are redacted.
A query leaves the machine only with --remote, to the remote engines it names,
with the same privacy rules as an agent's (docs/search.md "Privacy model").
Without a running system the same search runs in this process.`,
  subcommands: [
    {
      name: 'query',
      summary: 'search: the local indexes by default; name engines and indexes to choose',
      synopsis: ['TEXT [--engine NAME]... [--index NAME]... [--limit N] [--offset N] [--remote] [--json]'],
      options: {
        engine: { type: 'string', multiple: true, value: 'NAME', help: 'an engine to ask (repeatable; ledger searches the ledger)' },
        index: { type: 'string', multiple: true, value: 'NAME', help: 'a local index to ask (repeatable)' },
        limit: { type: 'string', value: 'N', help: 'hits per page (default services.search.defaultLimit)' },
        offset: { type: 'string', value: 'N', help: 'skip the first N hits' },
        remote: { type: 'boolean', help: 'let the query reach the remote engines it names' },
        ...JSON_FLAG,
      },
      async run(parsed, ctx: CommandContext) {
        const paths = ctx.paths();
        const body = queryOf(parsed);
        const result = await either(paths, () => admin(paths, 'search').call(SEARCH_API.query, body), (s) => s.query(body));
        if (boolFlag(parsed, 'json')) writeJson(ctx.io.stdout, result);
        else printResult(ctx.io, result);
        return 0;
      },
    },
    {
      name: 'engines',
      summary: 'every engine: name, kind, category, tested, hosts, suspended; and the honest count',
      options: { ...JSON_FLAG },
      positionals: false,
      async run(parsed, ctx) {
        const paths = ctx.paths();
        const list = await either(paths, () => admin(paths, 'search').call(SEARCH_API.engines), (s) => s.engines());
        if (boolFlag(parsed, 'json')) writeJson(ctx.io.stdout, list);
        else printEngines(ctx.io, list);
        return 0;
      },
    },
    {
      name: 'stats',
      summary: 'engines, queries so far, and each local index\'s figures',
      options: { ...JSON_FLAG },
      positionals: false,
      async run(parsed, ctx) {
        const paths = ctx.paths();
        const stats = await either(paths, () => admin(paths, 'search').call(SEARCH_API.stats), (s) => s.stats());
        if (boolFlag(parsed, 'json')) writeJson(ctx.io.stdout, stats);
        else printStats(ctx.io, stats);
        return 0;
      },
    },
  ],
};

// octant search query|engines|stats: the search service for operators
// (docs/search.md). With a system running, each goes through its admin API
// (the running service's engines and figures); without one, the same code
// runs in this process over the same files: the query is recorded in the
// ledger first all the same, and its hits are redacted (of common key
// formats only: the vault's own values need the running, unsealed vault).

import { resolve } from 'node:path';
import { boolFlag, numberFlag, requirePositional, stringFlag, stringsFlag, type Parsed } from '../../lib/args.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeJson, writeLine, type Io } from '../../lib/io.ts';
import { safeField } from '../../lib/safe-text.ts';
import { admin } from '../../runtime/admin/client.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { CorpusInfo, EngineList, IndexEvent, OperatorQuery, OperatorSearch, QueryResult, SearchStats } from '../../services/search/api.ts';
import { SEARCH_API } from '../../services/search/api.ts';
import type { Action, Command, CommandContext, Group } from './command.ts';
import { runningOrOffline } from './running-system.ts';
import { searchEval } from './search-eval.ts';

/** The same search the service runs, in this process (no system answers). */
async function offline(paths: Paths): Promise<OperatorSearch> {
  const [{ loadConfig }, { validateConfig }, { recordEvent }, { Redactor }, search] = await Promise.all([
    import('../../runtime/config.ts'), import('../../runtime/config-schema.ts'), import('../../services/ledger/api.ts'), import('../../services/vault/api.ts'), import('../../services/search/api.ts'),
  ]);
  const config = await loadConfig(paths, [search.searchService]);
  const settings = validateConfig(search.SEARCH_CONFIG, config.services.search ?? {}, 'services.search', config.file);
  const redactor = new Redactor();
  // No operatorFetch: without the running service, a query never leaves the machine.
  return search.operatorSearch({ paths, settings, indexDir: search.indexDirOf(paths, settings.indexDir), ledger: (event) => recordEvent(paths, event), redact: (t) => redactor.redact(t), redactAsync: (t) => redactor.redactAsync(t) });
}

/** `running()` through the system's search service, else `local()` on the search built here. */
function either<T>(paths: Paths, running: () => Promise<T>, local: (search: OperatorSearch) => Promise<T> | T): Promise<T> {
  // A system without a search service answers E_ADMIN_NOT_FOUND: the same as none for these commands.
  return runningOrOffline(running, async () => {
    const search = await offline(paths);
    try {
      return await local(search);
    } finally {
      await search.close();
    }
  }, ['E_ADMIN_NOT_FOUND']);
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

const JSON_FLAG = { json: { type: 'boolean', help: 'print it as JSON' } } as const;
const JSON_PROGRESS = { json: { type: 'boolean', help: 'print the progress and the end as NDJSON' } } as const;

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

function indexLine(c: CorpusInfo): string {
  const built = c.stats.lastBuild === undefined ? 'never built' : `built ${new Date(c.stats.lastBuild).toISOString()}`;
  return `${c.name.padEnd(20)} ${c.kind.padEnd(9)} ${String(c.stats.docs).padStart(8)} docs ${String(c.stats.terms).padStart(8)} terms ${String(Math.round(c.stats.bytes / 1024)).padStart(7)} KiB  ${built}  ${safeField(c.paths.join(' '))}`;
}

function printStats(io: Io, s: SearchStats): void {
  writeLine(io.stdout, `engines: ${s.engines.local} local, ${s.engines.remote} remote (${s.engines.tested} remote with tests)`);
  writeLine(io.stdout, `queries since start: ${s.queries.total} (${s.queries.failed} failed)`);
  for (const index of s.indexes) writeLine(io.stdout, indexLine(index));
}

/**
 * A build's events as they come: NDJSON with --json; on a terminal one
 * progress line redrawn in place (on stderr); the end on stdout. A build
 * that failed after it started is an error here, with its own code.
 */
async function followBuild(io: Io, events: AsyncIterable<IndexEvent>, json: boolean): Promise<number> {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  for await (const event of events) {
    if (json) { io.stdout.write(`${JSON.stringify(event)}\n`); if (event.type === 'failed') return EXIT.failure; continue; }
    if (event.type === 'progress') {
      if (tty) io.stderr.write(`\r${event.phase.padEnd(9)} ${event.done}/${event.total}  +${event.added} ~${event.changed} =${event.unchanged} -${event.removed}${event.failed > 0 ? ` !${event.failed}` : ''}\u001b[K`);
      continue;
    }
    if (tty) io.stderr.write('\r\u001b[K');
    if (event.type === 'failed') throw new OctantError(event.error.code, event.error.message, { hint: event.error.hint });
    const r = event.result;
    writeLine(io.stdout, `${event.index}: ${r.total} unit(s): ${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged, ${r.removed} removed, ${r.failed} failed, in ${r.ms} ms`);
    for (const e of r.errors) writeLine(io.stdout, `  ${safeField(e)}`);
  }
  return EXIT.ok;
}

/** `running()` through the system; offline, `local()` on the search built here (the stream drained before it closes). */
function indexOp(paths: Paths, running: () => AsyncIterable<IndexEvent>, local: (s: OperatorSearch) => Promise<AsyncIterable<IndexEvent>>, follow: (events: AsyncIterable<IndexEvent>) => Promise<number>): Promise<number> {
  return either(paths, () => follow(running()), async (s) => follow(await local(s)));
}

/** A read-only listing: through the running system or here; --json or text. */
function listing<T>(name: string, summary: string, running: (paths: Paths) => Promise<T>, local: (s: OperatorSearch) => T, print: (io: Io, value: T) => void): Action {
  return {
    name,
    summary,
    options: { ...JSON_FLAG },
    positionals: false,
    async run(parsed, ctx) {
      const paths = ctx.paths();
      const value = await either(paths, () => running(paths), async (s) => local(s));
      if (boolFlag(parsed, 'json')) writeJson(ctx.io.stdout, value);
      else print(ctx.io, value);
      return 0;
    },
  };
}

function printIndexes(io: Io, list: readonly CorpusInfo[]): void {
  if (list.length === 0) writeLine(io.stdout, "no local indexes: add one with 'octant search index add NAME --path DIR'");
  for (const c of list) writeLine(io.stdout, indexLine(c));
}

const INDEX: Group = {
  name: 'index',
  summary: 'the local indexes: add a folder (or another corpus), rebuild, remove, list',
  notes: `A build runs in the search service's worker pool (or this command's, without a
running system), incrementally: unchanged files are not read again, vanished
ones are removed. Progress shows on a terminal; --json prints it as NDJSON.
Each change is recorded in the ledger first.`,
  subcommands: [
    {
      name: 'add',
      summary: 'register a corpus and build its index',
      synopsis: ['NAME --path DIR... [--kind files|man|usr-doc|dpkg|git] [--lang L] [--json]'],
      options: {
        path: { type: 'string', multiple: true, value: 'DIR', help: 'a folder, file or repository (absolute; repeatable)' },
        kind: { type: 'string', value: 'KIND', help: 'files (default), man, usr-doc, dpkg, git' },
        lang: { type: 'string', value: 'L', help: 'the analyzer\'s language (default en)' },
        ...JSON_PROGRESS,
      },
      async run(parsed, ctx) {
        const paths = ctx.paths();
        const name = requirePositional(parsed, 0, 'NAME', 'search index add');
        const kind = stringFlag(parsed, 'kind') ?? 'files';
        if (!(['files', 'man', 'usr-doc', 'dpkg', 'git'] as const).some((k) => k === kind)) throw usageError(`search index add: --kind: expected files, man, usr-doc, dpkg or git, got '${kind}'`);
        const dirs = stringsFlag(parsed, 'path').map((p) => resolve(ctx.io.cwd, p));
        const lang = stringFlag(parsed, 'lang');
        const body = { name, kind: kind as 'files', ...(dirs.length === 0 ? {} : { paths: dirs }), ...(lang === undefined ? {} : { lang }) };
        return indexOp(paths, () => admin(paths, 'search').stream(SEARCH_API.indexAdd, body), (s) => s.indexes.add(body), (events) => followBuild(ctx.io, events, boolFlag(parsed, 'json')));
      },
    },
    {
      name: 'rebuild',
      summary: 'build an index again: new and changed files in, vanished ones out',
      synopsis: ['NAME [--json]'],
      options: { ...JSON_PROGRESS },
      async run(parsed, ctx) {
        const paths = ctx.paths();
        const name = requirePositional(parsed, 0, 'NAME', 'search index rebuild');
        return indexOp(paths, () => admin(paths, 'search').stream(SEARCH_API.indexRebuild, { name }), (s) => s.indexes.rebuild(name), (events) => followBuild(ctx.io, events, boolFlag(parsed, 'json')));
      },
    },
    {
      name: 'rm',
      summary: 'remove an index (its registration and its file; the files indexed stay)',
      synopsis: ['NAME'],
      options: {},
      async run(parsed, ctx) {
        const paths = ctx.paths();
        const name = requirePositional(parsed, 0, 'NAME', 'search index rm');
        const done = await either(paths, () => admin(paths, 'search').call(SEARCH_API.indexRemove, { name }), (s) => s.indexes.remove(name));
        writeLine(ctx.io.stdout, `removed ${done.removed}`);
        return 0;
      },
    },
    listing('list', 'the local indexes: kind, documents, terms, size, last build, paths', (paths) => admin(paths, 'search').call(SEARCH_API.indexes), (s) => s.indexes.list(), printIndexes),
  ],
};


export const command: Command = {
  name: 'search',
  summary: 'search local indexes, remote engines and the ledger; build indexes; list engines; figures',
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
    listing('engines', 'every engine: name, kind, category, tested, hosts, suspended; and the honest count', (paths) => admin(paths, 'search').call(SEARCH_API.engines), (s) => s.engines(), printEngines),
    INDEX,
    listing('stats', 'engines, queries so far, and each local index\'s figures', (paths) => admin(paths, 'search').call(SEARCH_API.stats), (s) => s.stats(), printStats),
    searchEval,
  ],
};

// An operator's changes to the local indexes: add (register a corpus and
// build it), rebuild (an incremental pass), remove. Each is recorded in the
// ledger before it is done. A build reports its progress as it goes, as a
// stream of values (the admin API sends them as NDJSON, `octant search
// index` prints them): progress after each batch, then one last value that
// says how it ended, so a failure after the first line still reaches the
// client as a value instead of a cut connection.

import { EXIT, OctantError, isOctantError, messageOf } from '../../lib/errors.ts';
import type { LedgerEvent } from '../ledger/api.ts';
import type { BuildResult, CorpusInfo, IndexProgress, LocalSearch, RegisterInput } from './local/index.ts';

export type IndexEvent =
  | ({ type: 'progress' } & IndexProgress)
  | { type: 'done'; index: string; result: BuildResult }
  | { type: 'failed'; index: string; error: { code: string; message: string; hint?: string } };

export interface IndexJobs {
  list(): CorpusInfo[];
  /** Register and build; the stream's last value says how the build ended. */
  add(input: RegisterInput, signal?: AbortSignal): Promise<AsyncIterable<IndexEvent>>;
  rebuild(name: string, signal?: AbortSignal): Promise<AsyncIterable<IndexEvent>>;
  remove(name: string): Promise<{ removed: string }>;
}

export interface IndexJobDeps {
  local: LocalSearch;
  record(event: Omit<LedgerEvent, 'agent' | 'lineage'>): Promise<unknown>;
  /** Names an index may not take: the ledger's and the remote engines'. */
  reserved(): string[];
}

/** The build's progress as values, then its end; the build runs whether or not anyone reads. */
function buildEvents(name: string, run: (onProgress: (p: IndexProgress) => void) => Promise<BuildResult>, record: IndexJobDeps['record']): AsyncIterable<IndexEvent> {
  const queue: IndexEvent[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const push = (event: IndexEvent): void => {
    queue.push(event);
    wake?.();
  };
  void run((p) => push({ type: 'progress', ...p })).then(
    async (result) => {
      await record({ kind: 'search', action: 'search.index.done', target: name, decision: 'ok', detail: { added: result.added, changed: result.changed, removed: result.removed, failed: result.failed, ms: result.ms } });
      push({ type: 'done', index: name, result });
    },
    async (error: unknown) => {
      const code = isOctantError(error) ? error.code : 'E_SEARCH_INDEX';
      await record({ kind: 'search', action: 'search.index.done', target: name, decision: 'error', detail: { code, reason: messageOf(error) } }).catch(() => {});
      push({ type: 'failed', index: name, error: { code, message: messageOf(error), ...(isOctantError(error) && error.hint !== undefined ? { hint: error.hint } : {}) } });
    },
  ).finally(() => { ended = true; wake?.(); });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          if (next.type !== 'progress') return;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    },
  };
}

export function indexJobs(deps: IndexJobDeps): IndexJobs {
  const { local, record } = deps;
  const build = (name: string, signal: AbortSignal | undefined): AsyncIterable<IndexEvent> =>
    buildEvents(name, (onProgress) => local.build(name, { onProgress, ...(signal === undefined ? {} : { signal }) }), record);
  return {
    list: () => local.corpora(),
    async add(input, signal) {
      if (deps.reserved().includes(input.name)) {
        throw new OctantError('E_SEARCH_CORPUS_NAME', `name: '${input.name}' is an engine's name already`, { exit: EXIT.usage, hint: "'octant search engines' lists the names in use", detail: { status: 400 } });
      }
      await record({ kind: 'search', action: 'search.index.add', target: input.name, decision: 'allow', detail: { kind: input.kind, paths: input.paths ?? [] } });
      try {
        local.register(input);
      } catch (error) {
        await record({ kind: 'search', action: 'search.index.done', target: input.name, decision: 'error', detail: { code: isOctantError(error) ? error.code : 'E_SEARCH_INDEX', reason: messageOf(error) } });
        throw error;
      }
      return build(input.name, signal);
    },
    async rebuild(name, signal) {
      local.stats(name); // E_SEARCH_CORPUS_UNKNOWN before anything is recorded
      await record({ kind: 'search', action: 'search.index.rebuild', target: name, decision: 'allow', detail: {} });
      return build(name, signal);
    },
    async remove(name) {
      local.stats(name);
      await record({ kind: 'search', action: 'search.index.rm', target: name, decision: 'allow', detail: {} });
      await local.delete(name);
      return { removed: name };
    },
  };
}

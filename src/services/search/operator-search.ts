// The search as operators reach it, built the same way whether the service
// runs it (index.ts, behind the admin routes) or a command runs it without a
// running system (`octant search` offline): the engines of this machine
// (the ledger, the local indexes, the remote adapters with their health), the core, and an operator's query and index changes on the one
// path every action takes: recorded in the ledger before it runs, hits
// redacted before they are shown, the outcome recorded.

import { isOctantError, messageOf } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import { FIRST_MARK, forEachEntryFrom, ledgerDir, OPERATOR_AGENT, type LedgerAppend, type LedgerEvent } from '../ledger/api.ts';
import { engineSet, type EngineSource } from './engine-set.ts';
import type { EngineList, EngineRow, OperatorQuery, SearchStats } from './endpoints.ts';
import { indexJobs, type IndexJobs } from './index-jobs.ts';
import { ledgerEngine } from './ledger-engine.ts';
import { openLocalSearch } from './local/index.ts';
import { EngineHealth, remoteEngines } from './remote/index.ts';
import { createSearchCore, infoOf, type QueryResult, type SearchCore, type SearchLimits } from './search.ts';
import type { EngineFetch, SearchHit } from './types.ts';

export interface OperatorSearchDeps {
  paths: Paths;
  settings: SearchLimits;
  /** Where the local indexes are (corpora.json and one SQLite file each). */
  indexDir: string;
  ledger: LedgerAppend;
  redact(text: string): string;
  redactAsync(text: string): Promise<string>;
  /** The way out for an operator's remote query; absent: remote engines are refused. */
  operatorFetch?: EngineFetch;
}

export interface OperatorSearch {
  core: SearchCore;
  query(body: OperatorQuery, signal?: AbortSignal): Promise<QueryResult>;
  engines(): EngineList;
  stats(): SearchStats;
  indexes: IndexJobs;
  close(): Promise<void>;
}

/** Every string of the hits through the vault's redactor: a local file can hold a secret. */
export async function redactHits(hits: readonly SearchHit[], redact: (text: string) => Promise<string>): Promise<SearchHit[]> {
  const out: SearchHit[] = [];
  for (const hit of hits) {
    const meta: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(hit.meta ?? {})) meta[await redact(k)] = typeof v === 'string' ? await redact(v) : v;
    out.push({
      id: await redact(hit.id),
      engine: hit.engine,
      title: await redact(hit.title),
      ...(hit.url === undefined ? {} : { url: await redact(hit.url) }),
      snippet: await redact(hit.snippet),
      score: hit.score,
      ...(hit.meta === undefined ? {} : { meta }),
    });
  }
  return out;
}

export function operatorSearch(deps: OperatorSearchDeps): OperatorSearch {
  const dir = ledgerDir(deps.paths);
  const local = openLocalSearch({ dir: deps.indexDir });
  const health = new EngineHealth();
  // The ledger first: an operator's index cannot take its name.
  // 256 KiB chunks: more than the largest record (64 KiB), little memory per slice.
  const ledgerSource: EngineSource = () => [ledgerEngine((from, visit) => forEachEntryFrom(dir, from, visit, 256 * 1024), FIRST_MARK)];
  const localSource: EngineSource = () => local.engines();
  const remote = remoteEngines();
  const tested = new Set(remote.filter((e) => e.tested).map((e) => e.name));
  // Each remote engine behind its health: one that blocks or fails is suspended with backoff.
  const remoteSource: EngineSource = () => remote.map((e) => health.guard(e));
  const engines = engineSet([ledgerSource, localSource, remoteSource]);
  const core = createSearchCore(engines, deps.settings);
  const queries = { total: 0, failed: 0 };
  const record = (event: Omit<LedgerEvent, 'agent' | 'lineage'>) => deps.ledger({ agent: OPERATOR_AGENT, lineage: [], ...event });

  const list = (): EngineList => {
    const all = engines.all();
    const suspended = new Map(health.report(all.map((e) => e.name)).filter((r) => r.state === 'suspended').map((r) => [r.engine, r]));
    const rows = all.map((e): EngineRow => {
      const s = suspended.get(e.name);
      // Local engines read what is on this machine; a remote one is tested only when its adapter has fixture tests.
      return { ...infoOf(e), tested: e.kind === 'local' || tested.has(e.name), ...(s === undefined ? {} : { suspended: { until: new Date(s.suspendedUntil ?? 0).toISOString(), reason: s.lastError?.message ?? 'failing' } }) };
    });
    return { engines: rows, counts: { local: rows.filter((r) => r.kind === 'local').length, remote: rows.filter((r) => r.kind === 'remote').length, tested: rows.filter((r) => r.kind === 'remote' && r.tested).length } };
  };

  return {
    core,
    engines: list,
    stats: () => ({ engines: list().counts, queries: { ...queries }, indexes: local.corpora() }),
    indexes: indexJobs({ local, record, reserved: () => [...engines.all().filter((e) => e.kind === 'remote' || e.category === 'ledger').map((e) => e.name)] }),
    async query(body, signal) {
      const fetch = body.remote === true ? deps.operatorFetch : undefined;
      // Resolving first refuses an unknown or remote engine before anything is recorded as allowed.
      const chosen = core.resolve(body, { audience: 'operator', fetch }).map((e) => e.name);
      const base = { kind: 'search', action: 'search.query', target: deps.redact(body.text) };
      await record({ ...base, decision: 'allow', detail: { engines: chosen, remote: body.remote === true } });
      try {
        const { remote: _remote, ...request } = body;
        const result = await core.query({ ...request, engines: chosen }, { audience: 'operator', signal, ...(fetch === undefined ? {} : { fetch }) });
        const hits = await redactHits(result.hits, deps.redactAsync);
        const failed = result.engines.filter((r) => !r.ok).map((r) => r.engine);
        await record({ ...base, action: 'search.query.done', decision: 'ok', detail: { hits: hits.length, total: result.total, failed } });
        queries.total++;
        return { ...result, hits };
      } catch (error) {
        queries.total++;
        queries.failed++;
        await record({ ...base, action: 'search.query.done', decision: 'error', detail: { code: isOctantError(error) ? error.code : 'E_SEARCH_FAILED', reason: deps.redact(messageOf(error)) } });
        throw error;
      }
    },
    close: () => local.close(),
  };
}

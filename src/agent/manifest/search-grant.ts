// The manifest's `search` domain: which remote engines and which local
// indexes an agent may query through the search.query tool.
//
//   search:
//     engines: [wikipedia, "category:science"]   # remote engines: names, a category, or "*"
//     indexes: [notes, man]                       # local indexes: names, or "*"
//
// Absent means none (default-deny), and an empty domain is left out of the
// normal form, so manifests signed before it existed keep their digest. A
// category is expanded to the remote engines compiled into this executable
// at validation (as syscall groups are): the signer approves the engines
// that exist when it signs, and an engine added later is not granted by an
// old signature. The ledger is never an index an agent may name.
//
// A remote engine also needs its hosts in network.destinations: the query
// leaves only through the agent's egress proxy, whose allowlist is that
// field and nothing else (docs/search.md "Privacy model").

import { ENGINE_NAME, type EngineCategory } from '../../services/search/api.ts';
import { join, readList, readObject, has, schemaError, sortedSet } from './field-reader.ts';

export interface SearchGrant {
  /** Remote engines by name, or ["*"] (any remote engine). */
  engines: string[];
  /** Local indexes by name, or ["*"] (every local index; never the ledger). */
  indexes: string[];
}

/** The engine categories a grant may name (EngineCategory of services/search/types.ts). */
export const ENGINE_CATEGORIES: readonly EngineCategory[] = ['files', 'docs', 'packages', 'code', 'ledger', 'memory', 'archive', 'web', 'knowledge', 'science', 'qa', 'news', 'maps'];

/** What a category expands to: the remote engines of that category this executable carries. */
export type RemoteCatalog = () => readonly { name: string; category: EngineCategory }[];

/** A set with "*" in it is "*" alone. */
function normal(entries: Iterable<string>): string[] {
  const set = sortedSet(entries);
  return set.includes('*') ? ['*'] : set;
}

function readEngineEntry(value: unknown, path: string, catalog: RemoteCatalog): string[] {
  if (typeof value !== 'string' || value === '') throw schemaError(path, 'expected an engine name, "category:NAME" or "*"');
  if (value === '*') return ['*'];
  if (value.startsWith('category:')) {
    const category = value.slice('category:'.length);
    if (!(ENGINE_CATEGORIES as readonly string[]).includes(category)) throw schemaError(path, `unknown category ${JSON.stringify(category)}`, `categories: ${ENGINE_CATEGORIES.join(', ')}`);
    if (category === 'ledger') throw schemaError(path, 'the ledger is searched by operators only, never by an agent');
    return catalog().filter((e) => e.category === category).map((e) => e.name);
  }
  if (!ENGINE_NAME.test(value)) throw schemaError(path, `${JSON.stringify(value.slice(0, 64))} is not an engine name`, `expected ${ENGINE_NAME.source}`);
  return [value];
}

function readIndexEntry(value: unknown, path: string): string {
  if (value === '*') return '*';
  if (typeof value !== 'string' || !ENGINE_NAME.test(value)) throw schemaError(path, `expected an index name or "*"`, `expected ${ENGINE_NAME.source}`);
  if (value === 'ledger') throw schemaError(path, 'the ledger is searched by operators only, never by an agent');
  return value;
}

/** The domain's normal form, or undefined when it grants nothing (left out of the manifest). */
export function readSearch(value: unknown, path: string, catalog: RemoteCatalog): SearchGrant | undefined {
  const r = readObject(value, path, ['engines', 'indexes']);
  const engines = has(r, 'engines') ? normal(readList(r.engines, join(path, 'engines'), (v, p) => readEngineEntry(v, p, catalog)).flat()) : [];
  const indexes = has(r, 'indexes') ? normal(readList(r.indexes, join(path, 'indexes'), readIndexEntry)) : [];
  return engines.length === 0 && indexes.length === 0 ? undefined : { engines, indexes };
}

/** A manifest's search grant, default (nothing) filled in. */
export function searchOf(m: { search?: SearchGrant }): SearchGrant {
  return m.search ?? { engines: [], indexes: [] };
}

/** The meet of two entry sets: "*" gives way to the other side, names meet by intersection. */
function meet(a: readonly string[], b: readonly string[]): string[] {
  if (a.includes('*')) return [...b];
  if (b.includes('*')) return [...a];
  const other = new Set(b);
  return sortedSet(a.filter((x) => other.has(x)));
}

/** A child's grant within its parent's; undefined when nothing is left. */
export function intersectSearch(a: SearchGrant | undefined, b: SearchGrant | undefined): SearchGrant | undefined {
  const engines = meet(searchOf({ search: a }).engines, searchOf({ search: b }).engines);
  const indexes = meet(searchOf({ search: a }).indexes, searchOf({ search: b }).indexes);
  return engines.length === 0 && indexes.length === 0 ? undefined : { engines, indexes };
}

/** The first entry of `inner` outside `outer`, as the ceiling check reports it. */
export function searchExcess(inner: SearchGrant | undefined, outer: SearchGrant | undefined): { field: string; asked: string; allowed: string } | undefined {
  const i = searchOf({ search: inner });
  const o = searchOf({ search: outer });
  for (const key of ['engines', 'indexes'] as const) {
    if (o[key].includes('*')) continue;
    const at = i[key].findIndex((x) => !o[key].includes(x));
    if (at !== -1) return { field: `search.${key}[${at}]`, asked: i[key][at], allowed: o[key].length === 0 ? 'nothing' : o[key].join(', ') };
  }
  return undefined;
}

/** Whether the grant lets an agent query the engine (remote) or index (local) of this name. */
export function searchAllows(grant: SearchGrant | undefined, kind: 'local' | 'remote', name: string): boolean {
  const list = kind === 'remote' ? searchOf({ search: grant }).engines : searchOf({ search: grant }).indexes;
  return list.includes('*') || list.includes(name);
}

/** explain.ts's lines: what the agent can search, and what it cannot. */
export function explainSearch(grant: SearchGrant | undefined): { can: string[]; cannot: string[] } {
  const g = searchOf({ search: grant });
  const can: string[] = [];
  const cannot: string[] = [];
  if (g.indexes.length > 0) can.push(g.indexes.includes('*') ? 'search every local index on this machine (never the ledger)' : `search the local indexes: ${g.indexes.join(', ')}`);
  else cannot.push('search any local index');
  if (g.engines.length > 0) {
    const which = g.engines.includes('*') ? 'any remote search engine' : `the remote search engines ${g.engines.join(', ')}`;
    can.push(`query ${which}, through its egress proxy and only where network.destinations allows the engine's hosts (no cookie, referrer or identifying header is sent)`);
  } else cannot.push('send a search query to any remote engine');
  return { can, cannot };
}

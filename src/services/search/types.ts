// The shapes every part of the search service shares: a query, a hit, and
// an engine. Local engines (an FTS5 index over a corpus on this machine) and
// remote engines (one adapter per public engine, reached only through the
// agent's egress proxy) both implement Engine, so the service merges,
// de-duplicates and ranks their hits in one place (docs/search.md).

/** Where an engine's answers come from: nothing leaves the machine for 'local'. */
export type EngineKind = 'local' | 'remote';

/** What an engine is good for; `octant search engines` groups by it. */
export type EngineCategory =
  | 'files' | 'docs' | 'packages' | 'code' | 'ledger' | 'memory' | 'archive'
  | 'web' | 'knowledge' | 'science' | 'qa' | 'news' | 'maps';

export interface SearchQuery {
  /** The query text in the engine-neutral syntax (words, "phrases", prefix*, -not, field:value). */
  text: string;
  /** Zero-based offset into the ranked hits. */
  offset: number;
  /** Hits wanted from this offset (each engine may return fewer). */
  limit: number;
  /** Exact-match filters on a hit's metadata (e.g. { lang: 'en', section: '1' }). */
  filters?: Readonly<Record<string, string>>;
  /** A language tag for stemming and stopwords ('en' when absent). */
  lang?: string;
}

export interface SearchHit {
  /** Stable id within its engine (a path, a URL, a package name). */
  id: string;
  /** The engine's name (as listed by `octant search engines`). */
  engine: string;
  title: string;
  /** Where the hit can be opened: a URL or an absolute path (absent when there is none). */
  url?: string;
  /** A short excerpt; matched terms wrapped in « and » (never HTML). */
  snippet: string;
  /** The engine's own score; only comparable within one engine (fusion uses ranks). */
  score: number;
  meta?: Readonly<Record<string, string | number>>;
}

/**
 * What a remote engine is given to reach the network: a fetch that goes
 * through the caller's egress path (the agent's proxy, under its manifest),
 * with the privacy rules already applied (no cookie, no referrer, a common
 * user agent). An engine never opens a socket of its own. text() is the
 * body with its Content-Encoding undone (Stack Exchange gzips every answer);
 * remote/engine-fetch.ts builds such a fetch over any raw transport.
 */
export type EngineFetch = (url: string, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; signal: AbortSignal }) => Promise<{
  status: number;
  headers: Readonly<Record<string, string>>;
  text(): Promise<string>;
}>;

export interface EngineContext {
  signal: AbortSignal;
  /** Present for remote engines; local engines never get one. */
  fetch?: EngineFetch;
}

export interface Engine {
  /** Lowercase name, unique across engines (e.g. 'wikipedia', 'man', 'files:notes'). */
  name: string;
  kind: EngineKind;
  category: EngineCategory;
  /** One line for `octant search engines`. */
  description: string;
  /** Hosts a remote engine contacts (what a manifest must allow); empty for local engines. */
  hosts: readonly string[];
  search(query: SearchQuery, ctx: EngineContext): Promise<SearchHit[]>;
}

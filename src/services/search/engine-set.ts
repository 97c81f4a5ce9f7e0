// The engines the service knows, from several sources: the local indexes
// (corpora registered on this machine, which come and go), the remote
// adapters compiled in, and the ledger (for operators only). Each source is
// read when asked, so an index registered a moment ago is queryable now.
// Names are unique across sources: the first source to name an engine keeps
// it (the order below), and a clash is reported, not silently merged.

import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Engine, EngineCategory } from './types.ts';

/** Engines only an operator may query: agents never get them, whatever their manifest says. */
export const OPERATOR_ONLY_CATEGORIES: readonly EngineCategory[] = ['ledger'];

export function forAgents(engine: Pick<Engine, 'category'>): boolean {
  return !OPERATOR_ONLY_CATEGORIES.includes(engine.category);
}

export type EngineSource = () => readonly Engine[];

export interface EngineSet {
  /** Every engine, sorted by name. */
  all(): Engine[];
  get(name: string): Engine | undefined;
  /** The engines named, in that order; an unknown name is E_SEARCH_ENGINE_UNKNOWN naming it. */
  pick(names: readonly string[], field: string): Engine[];
  /** Names two sources both claim (the later one's engine is left out). */
  clashes(): string[];
}

export function engineSet(sources: readonly EngineSource[]): EngineSet {
  const collect = (): { engines: Map<string, Engine>; clashes: string[] } => {
    const engines = new Map<string, Engine>();
    const clashes: string[] = [];
    for (const source of sources) {
      for (const engine of source()) {
        if (engines.has(engine.name)) clashes.push(engine.name);
        else engines.set(engine.name, engine);
      }
    }
    return { engines, clashes };
  };
  const all = (): Engine[] => [...collect().engines.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    all,
    get: (name) => collect().engines.get(name),
    pick(names, field) {
      const { engines } = collect();
      return [...new Set(names)].map((name, i) => {
        const engine = engines.get(name);
        if (engine === undefined) {
          throw new OctantError('E_SEARCH_ENGINE_UNKNOWN', `${field}[${i}]: no engine or index named ${JSON.stringify(name)}`, {
            exit: EXIT.usage,
            hint: "'octant search engines' lists them",
          });
        }
        return engine;
      });
    },
    clashes: () => collect().clashes,
  };
}

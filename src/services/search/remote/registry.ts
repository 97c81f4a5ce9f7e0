// Every remote engine adapter, one line each. `tested` is true only for an
// adapter whose folder has a fixture test run through engineConformance
// (registry.test.ts fails otherwise), so the count `octant search engines`
// shows is the count of adapters proven against their engine's wire format.
// Engines are made on demand: nothing here runs at import time.

import type { Engine } from '../types.ts';
import { createWikipediaEngine } from './wikipedia/index.ts';

export interface RemoteEngine extends Engine {
  kind: 'remote';
  /** Has a fixture test over real HTTP (registry.test.ts checks the claim). */
  tested: boolean;
  /** The engine's public documentation of what the adapter uses. */
  docs: string;
}

interface Adapter {
  create(): Engine;
  tested: boolean;
  docs: string;
}

// Folder name = engine name (registry.test.ts checks that too).
const ADAPTERS: readonly Adapter[] = [
  { create: createWikipediaEngine, tested: true, docs: 'https://www.mediawiki.org/wiki/API:Search' },
];

export function remoteEngines(): RemoteEngine[] {
  return ADAPTERS.map((a) => {
    const engine = a.create();
    if (engine.kind !== 'remote') throw new Error(`${engine.name}: a remote adapter must be kind 'remote'`);
    return { ...engine, kind: 'remote', tested: a.tested, docs: a.docs };
  });
}

/** The engines counted by `octant search engines`: those with fixture tests. */
export function testedEngineCount(): number {
  return ADAPTERS.filter((a) => a.tested).length;
}

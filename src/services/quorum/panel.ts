// The panel: which models vote, with what weight, from which family. Kept in
// <etc>/quorum-panel.json (written whole, atomically); changed only through
// the running quorum service (`octant quorum panel add|rm`), which records
// each change in the ledger before it is in force.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import type { Paths } from '../../runtime/paths.ts';
import type { Voter } from './types.ts';

const VOTER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const MAX_PANEL = 15;
export const MAX_WEIGHT = 1000;

export function panelPath(paths: Paths): string {
  return join(paths.etc, 'quorum-panel.json');
}

function bad(field: string, message: string): never {
  throw new OctantError('E_QUORUM_PANEL', `${field}: ${message}`, { exit: EXIT.usage });
}

/** One voter from a request or the file; each bad field named. */
export function readVoter(value: unknown, path = 'voter'): Voter {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(path, 'must be an object');
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!['name', 'model', 'weight', 'family'].includes(key)) bad(`${path}.${key}`, 'unknown field (name, model, weight, family)');
  if (typeof r.name !== 'string' || !VOTER_NAME.test(r.name)) bad(`${path}.name`, 'must be 1-64 of a-z 0-9 . _ - (starting with a letter or digit)');
  if (typeof r.model !== 'string' || r.model === '' || r.model.length > 128 || /[\s\u0000-\u001f]/.test(r.model)) bad(`${path}.model`, 'must be a router route or deployment id');
  const weight = r.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > MAX_WEIGHT) bad(`${path}.weight`, `must be a number above 0 and at most ${MAX_WEIGHT}`);
  const family = r.family ?? r.model;
  if (typeof family !== 'string' || family === '' || family.length > 64 || /[\s\u0000-\u001f]/.test(family)) bad(`${path}.family`, 'must be a short name (the provider or model family)');
  return { name: r.name, model: r.model, weight, family };
}

export function readPanel(value: unknown, path = 'panel'): Voter[] {
  if (!Array.isArray(value)) bad(path, 'must be a list of voters');
  if (value.length > MAX_PANEL) bad(path, `at most ${MAX_PANEL} voters`);
  const voters = value.map((v, i) => readVoter(v, `${path}[${i}]`));
  const names = new Set<string>();
  for (const v of voters) {
    if (names.has(v.name)) bad(path, `voter ${v.name} is listed twice`);
    names.add(v.name);
  }
  return voters;
}

export function loadPanel(paths: Paths): Voter[] {
  const file = panelPath(paths);
  if (!existsSync(file)) return [];
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OctantError('E_QUORUM_PANEL', `${file}: not JSON (${(error as Error).message})`, { cause: error });
  }
  return readPanel(value, file);
}

export function savePanel(paths: Paths, panel: readonly Voter[]): void {
  writeFileAtomic(panelPath(paths), `${JSON.stringify(readPanel(panel), null, 2)}\n`);
}

/** The panel with `voter` added, or replacing the voter of the same name. */
export function withVoter(panel: readonly Voter[], voter: Voter): Voter[] {
  const next = [...panel.filter((v) => v.name !== voter.name), voter];
  if (next.length > MAX_PANEL) bad('panel', `at most ${MAX_PANEL} voters`);
  return next.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function withoutVoter(panel: readonly Voter[], name: string): Voter[] {
  if (!panel.some((v) => v.name === name)) {
    throw new OctantError('E_QUORUM_VOTER_UNKNOWN', `no voter ${JSON.stringify(name)} on the panel`, { exit: EXIT.usage, hint: "see 'octant quorum panel list'" });
  }
  return panel.filter((v) => v.name !== name);
}

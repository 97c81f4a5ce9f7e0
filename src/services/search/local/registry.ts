// The corpora an operator registered, in <dir>/corpora.json (written
// atomically), and where each one's index file is: <dir>/<name>.sqlite
// (':' in a name becomes '~' in the file name).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../lib/atomic-file.ts';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import { language, LANGUAGE_TAGS } from '../../../lib/text/languages.ts';
import { CORPUS_KINDS, type CorpusKind } from './corpus-types.ts';

export interface CorpusSpec {
  /** The engine's name: lowercase, digits, '-', optionally ':' and a qualifier ('man', 'files:notes'). */
  name: string;
  kind: CorpusKind;
  /** Files, folders or repositories (absolute paths); the machine's defaults for man, usr-doc and dpkg when empty. */
  paths: string[];
  /** Analyzer language (default 'en'). */
  lang: string;
  description: string;
  /** ms since epoch. */
  created: number;
}

export const CORPUS_NAME = /^[a-z][a-z0-9-]{0,31}(:[a-z0-9][a-z0-9._-]{0,63})?$/;

export function corpusError(code: string, message: string, hint?: string): OctantError {
  return new OctantError(code, message, { exit: code === 'E_SEARCH_CORPUS_UNKNOWN' ? EXIT.failure : EXIT.usage, hint, detail: { status: code === 'E_SEARCH_CORPUS_UNKNOWN' ? 404 : 400 } });
}

export function validateSpec(input: { name: string; kind: string; paths?: readonly string[]; lang?: string }): void {
  if (!CORPUS_NAME.test(input.name)) {
    throw corpusError('E_SEARCH_CORPUS_NAME', `corpus name '${input.name}' is not valid`, "lowercase letters, digits and '-', optionally ':' and a qualifier (e.g. 'files:notes'), at most 96 characters");
  }
  if (!(CORPUS_KINDS as readonly string[]).includes(input.kind)) {
    throw corpusError('E_SEARCH_CORPUS_KIND', `corpus kind '${input.kind}' is not known`, `one of: ${CORPUS_KINDS.join(', ')}`);
  }
  for (const path of input.paths ?? []) {
    if (!path.startsWith('/')) throw corpusError('E_SEARCH_CORPUS_PATH', `corpus path '${path}' must be absolute`);
  }
  if ((input.kind === 'files' || input.kind === 'git' || input.kind === 'zim') && (input.paths ?? []).length === 0) {
    throw corpusError('E_SEARCH_CORPUS_PATH', `a '${input.kind}' corpus needs at least one path`);
  }
  if (input.lang !== undefined && language(input.lang) === undefined) {
    throw corpusError('E_SEARCH_CORPUS_LANG', `language '${input.lang}' is not one the analyzer knows`, `one of: ${LANGUAGE_TAGS.join(', ')}`);
  }
}

export class CorpusRegistry {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  get file(): string {
    return join(this.dir, 'corpora.json');
  }

  dbPath(name: string): string {
    return join(this.dir, `${name.replace(':', '~')}.sqlite`);
  }

  list(): CorpusSpec[] {
    if (!existsSync(this.file)) return [];
    const data = JSON.parse(readFileSync(this.file, 'utf8')) as { corpora?: CorpusSpec[] };
    return data.corpora ?? [];
  }

  get(name: string): CorpusSpec {
    const spec = this.list().find((c) => c.name === name);
    if (spec === undefined) throw corpusError('E_SEARCH_CORPUS_UNKNOWN', `no corpus named '${name}'`, 'octant search stats lists the corpora');
    return spec;
  }

  save(corpora: readonly CorpusSpec[]): void {
    writeFileAtomic(this.file, `${JSON.stringify({ version: 1, corpora }, null, 2)}\n`, { mode: 0o600 });
  }
}

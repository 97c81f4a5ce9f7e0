// Main thread: what a corpus is made of, as units for the indexing worker
// (corpus-types.ts). Listing is I/O (directory walks, stat, `git log`),
// done asynchronously; reading and analyzing the units is the worker's.
// Directory walks do not follow symbolic links and skip hidden folders and
// node_modules; a corpus stops at MAX_UNITS units (the rest is reported).

import { open, opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import type { CorpusKind, IndexUnit } from './corpus-types.ts';
import { gitUnits } from './git-units.ts';

export const MAX_UNITS = 500_000;

/** Where the machine's corpora are, when a corpus names no path. */
export const DEFAULT_PATHS: Readonly<Partial<Record<CorpusKind, readonly string[]>>> = {
  man: ['/usr/share/man'],
  'usr-doc': ['/usr/share/doc'],
  dpkg: ['/var/lib/dpkg/status'],
};

/** Files of a 'files' corpus: text, markup and source code by extension; extensionless names (README, NOTES) too. */
const TEXT_EXTENSIONS = new Set([
  'txt', 'text', 'md', 'markdown', 'rst', 'org', 'adoc', 'asciidoc', 'html', 'htm', 'xhtml', 'tex', 'csv', 'tsv', 'log',
  'json', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'xml', 'ts', 'js', 'mjs', 'cjs', 'py', 'go', 'rs', 'c', 'h', 'cc',
  'cpp', 'hpp', 'java', 'kt', 'rb', 'php', 'sh', 'bash', 'zsh', 'lua', 'pl', 'swift', 'scala', 'sql', 'css', 'scss', 'vue',
]);

function textFile(name: string): boolean {
  const base = name.endsWith('.gz') ? name.slice(0, -3) : name;
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? true : TEXT_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}

/** /usr/share/doc: the readable documents, not copyright files and changelogs. */
const USR_DOC = /^(readme|news|faq|todo|usage|howto)([._-].*)?$|\.(md|txt|html?|rst)(\.gz)?$/i;

/** man pages in English: /usr/share/man/man<section>/ (translations are other languages' corpora). */
const MAN_SECTION = /^man[0-9n][a-z0-9]*$/;

interface Found { path: string; stamp: string }

async function walk(root: string, accept: (name: string, dir: string) => boolean, enter: (name: string, depth: number) => boolean, out: Found[], depth = 0): Promise<void> {
  let dir;
  try {
    dir = await opendir(root);
  } catch (error) {
    if (depth === 0) throw new OctantError('E_SEARCH_CORPUS_PATH', `cannot read '${root}': ${(error as Error).message}`, { exit: EXIT.unavailable, cause: error });
    return;
  }
  for await (const entry of dir) {
    if (out.length >= MAX_UNITS) return;
    const path = join(root, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules' && enter(entry.name, depth)) await walk(path, accept, enter, out, depth + 1);
    } else if (entry.isFile() && accept(entry.name, root)) {
      try {
        const s = await stat(path);
        out.push({ path, stamp: `${s.size}:${Math.trunc(s.mtimeMs)}` });
      } catch { /* gone since listed */ }
    }
  }
}

async function rootsOf(paths: readonly string[], accept: (name: string, dir: string) => boolean, enter: (name: string, depth: number) => boolean): Promise<IndexUnit[]> {
  const out: Found[] = [];
  for (const root of paths) {
    let s;
    try {
      s = await stat(root);
    } catch (error) {
      throw new OctantError('E_SEARCH_CORPUS_PATH', `cannot read '${root}': ${(error as Error).message}`, { exit: EXIT.unavailable, cause: error });
    }
    if (s.isFile()) out.push({ path: root, stamp: `${s.size}:${Math.trunc(s.mtimeMs)}` });
    else await walk(root, accept, enter, out);
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/** Clusters per unit of a ZIM archive: a unit is a worker task and a step of progress. */
export const ZIM_CLUSTERS_PER_UNIT = 16;

/** Each ZIM archive as ranges of its clusters (the count is in its header: ZIM format, offset 28). */
async function zimUnits(files: IndexUnit[]): Promise<IndexUnit[]> {
  const out: IndexUnit[] = [];
  for (const file of files) {
    if (!('path' in file)) continue;
    const handle = await open(file.path, 'r');
    let clusters: number;
    try {
      const { buffer } = await handle.read(Buffer.alloc(32), 0, 32, 0);
      if (buffer.readUInt32LE(0) !== 72173914) throw new OctantError('E_SEARCH_CORPUS_PATH', `'${file.path}' is not a ZIM archive (bad magic number)`, { exit: EXIT.failure });
      clusters = buffer.readUInt32LE(28);
    } finally {
      await handle.close();
    }
    for (let from = 0; from < clusters; from += ZIM_CLUSTERS_PER_UNIT) {
      out.push({ zim: file.path, stamp: file.stamp ?? '', clusters: [from, Math.min(clusters, from + ZIM_CLUSTERS_PER_UNIT)] });
    }
  }
  return out;
}

/** The units of a corpus of `kind` over `paths`. */
export async function listUnits(kind: CorpusKind, paths: readonly string[], signal?: AbortSignal): Promise<IndexUnit[]> {
  switch (kind) {
    case 'files': return rootsOf(paths, textFile, () => true);
    case 'man': return rootsOf(paths, () => true, (name, depth) => depth === 0 && MAN_SECTION.test(name));
    case 'usr-doc': return rootsOf(paths, (name) => USR_DOC.test(name), () => true);
    case 'dpkg': return (await rootsOf(paths, () => false, () => false)).map((u) => ('path' in u ? { path: u.path } : u));
    case 'git': return gitUnits(paths, signal);
    case 'zim': return zimUnits(await rootsOf(paths, (name) => name.endsWith('.zim'), () => true));
    case 'documents': return [];
  }
}

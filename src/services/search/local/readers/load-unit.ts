// Worker side: a unit of a corpus (corpus-types.ts) -> the documents it
// holds. Synchronous (worker tasks are), and it loads only node:fs and
// node:zlib, through process.getBuiltinModule: what a worker of the built
// executable may load (lib/worker-pool.ts).

import type { CorpusKind, IndexDoc, IndexUnit } from '../corpus-types.ts';
import { parseStanzas } from './dpkg-status.ts';
import { htmlToText } from './html-text.ts';
import { parseManPage } from './man-page.ts';
import { zimDocs } from './zim-docs.ts';

/** Larger files are skipped: an index of text, not of data dumps. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Stored text of one document beyond this is cut (the index keeps the original for snippets). */
export const MAX_TEXT_CHARS = 1_000_000;

const HTML = new Set(['.html', '.htm', '.xhtml']);

// node:path is not loaded here (see the top): a worker's paths are absolute POSIX paths.
const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
function extname(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

function readText(path: string): string | undefined {
  const fs = process.getBuiltinModule('node:fs');
  const size = fs.statSync(path).size;
  if (size > MAX_FILE_BYTES) return undefined;
  let bytes: Uint8Array = fs.readFileSync(path);
  if (path.endsWith('.gz')) bytes = process.getBuiltinModule('node:zlib').gunzipSync(bytes, { maxOutputLength: MAX_FILE_BYTES });
  // Binary: a NUL byte in the first 8 KiB (what git and grep decide by).
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
}

/** A text file as a document: HTML stripped to text, Markdown titled by its first heading. */
export function fileDoc(path: string, id: string, meta: Record<string, string | number> = {}): IndexDoc | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  const ext = extname(path.replace(/\.gz$/, '')).toLowerCase();
  const name = basename(path);
  if (HTML.has(ext)) {
    const { title, body } = htmlToText(text);
    return { id, title: title === '' ? name : title, body, url: path, meta: { ...meta, type: 'html' } };
  }
  if (ext === '.md' || ext === '.markdown') {
    const heading = /^#{1,2}\s+(.+)$/m.exec(text);
    return { id, title: heading === null ? name : `${heading[1]!.trim()} (${name})`, body: text, url: path, meta: { ...meta, type: 'markdown' } };
  }
  return { id, title: name, body: text, url: path, meta: { ...meta, type: 'text' } };
}

function manDoc(path: string): IndexDoc | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  // man/<lang>/manN/name.N.gz or man/manN/name.N.gz
  const file = basename(path).replace(/\.gz$/, '');
  const dot = file.lastIndexOf('.');
  const fallbackName = dot > 0 ? file.slice(0, dot) : file;
  const fallbackSection = dot > 0 ? file.slice(dot + 1) : '';
  const page = parseManPage(text, fallbackName, fallbackSection);
  if (page === undefined) return undefined;
  const title = `${page.name}(${page.section})${page.description === '' ? '' : ` — ${page.description}`}`;
  return { id: path, title, body: page.body, url: path, meta: { name: page.name, section: page.section.replace(/[^0-9].*$/, '') || page.section } };
}

function dpkgDocs(path: string): IndexDoc[] {
  const fs = process.getBuiltinModule('node:fs');
  const seen = new Set<string>();
  const out: IndexDoc[] = [];
  for (const p of parseStanzas(fs.readFileSync(path, 'utf8'))) {
    if (seen.has(p.package)) continue;
    seen.add(p.package);
    out.push({
      id: p.package,
      title: `${p.package} — ${p.synopsis}`,
      body: `${p.synopsis}\n${p.description}`,
      ...(p.homepage === '' ? {} : { url: p.homepage }),
      meta: { section: p.section, version: p.version, arch: p.architecture, installed: p.installed ? 'yes' : 'no' },
    });
  }
  return out;
}

export function loadUnit(kind: CorpusKind, unit: IndexUnit): IndexDoc[] {
  if ('doc' in unit) return [unit.doc];
  if ('zim' in unit) return zimDocs(unit.zim, unit.stamp, unit.clusters);
  const { path } = unit;
  let doc: IndexDoc | undefined;
  switch (kind) {
    case 'dpkg': return dpkgDocs(path);
    case 'man': doc = manDoc(path); break;
    case 'files': case 'usr-doc': case 'git': case 'zim': case 'documents': doc = fileDoc(path, path); break;
  }
  return doc === undefined ? [] : [doc];
}

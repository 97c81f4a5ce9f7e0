// Manifest text (YAML 1.2, or JSON, which is YAML) → a plain object for the
// schema. Hostile input is refused before it can cost memory or stack:
// - at most 64 KiB of text, one document;
// - duplicate keys are errors (uniqueKeys), so no field is silently shadowed;
// - anchors, aliases and merge keys are refused (no "billion laughs");
// - explicit tags (!!binary, !custom, ...) are refused: a manifest is plain
//   mappings, lists, strings, numbers and booleans;
// - nesting deeper than 32 and more than 50,000 nodes are refused.
// Every refusal is E_MANIFEST_SCHEMA (rule 1) with the line it was found on.

import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, LineCounter, type Node } from 'yaml';
import { EXIT, OctantError, isOctantError, messageOf } from '../../lib/errors.ts';

export const MAX_MANIFEST_BYTES = 64 * 1024;
/** Deeper indentation than any manifest needs; bounds block nesting before parsing. */
const MAX_INDENT = 128;
const MAX_DEPTH = 32;
const MAX_NODES = 20_000;

function parseError(origin: string, message: string, line?: number): OctantError {
  return new OctantError('E_MANIFEST_SCHEMA', `${origin}${line === undefined ? '' : `:${line}`}: ${message}`, { exit: EXIT.failure, detail: { rule: 1, stage: 'parse' } });
}

/**
 * The first line whose block nesting is out of bounds: indentation past
 * MAX_INDENT, or a run of "- " / "? " / ": " indicators (each opens a level)
 * longer than MAX_DEPTH. A cheap bound checked before the parser recurses.
 */
function deepBlockLine(text: string): number | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const indent = /^[ \t]*/.exec(lines[i])![0].length;
    const indicators = /^(?:[ \t]*[-?:](?:[ \t]|$))*/.exec(lines[i])![0].replace(/[^-?:]/g, '').length;
    if (indent > MAX_INDENT || indicators > MAX_DEPTH) return i + 1;
  }
  return undefined;
}

/** Deepest bracket nesting, a cheap bound checked before the parser recurses. */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return max;
}

export function parseManifestText(text: string, origin = 'manifest'): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES) throw parseError(origin, `larger than ${MAX_MANIFEST_BYTES} bytes`);
  if (flowDepth(text) > MAX_DEPTH) throw parseError(origin, `brackets nest deeper than ${MAX_DEPTH}`);
  // Each value needs a separator, so this bounds the node count before parsing.
  if ((text.match(/[,\n]/g)?.length ?? 0) > MAX_NODES / 4) throw parseError(origin, `more than ${MAX_NODES / 4} entries or lines`);
  const deep = deepBlockLine(text);
  if (deep !== undefined) throw parseError(origin, `nested deeper than a manifest needs (indentation over ${MAX_INDENT} or more than ${MAX_DEPTH} levels on one line)`, deep);
  const lines = new LineCounter();
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined): number | undefined =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  try {
    const doc = parseDocument(text, { uniqueKeys: true, merge: false, schema: 'core', strict: true, prettyErrors: true, lineCounter: lines });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem !== undefined) {
      const line = problem.linePos?.[0]?.line;
      throw parseError(origin, problem.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, ''), line);
    }
    let nodes = 0;
    const convert = (node: unknown, depth: number): unknown => {
      if (++nodes > MAX_NODES) throw parseError(origin, `more than ${MAX_NODES} values`);
      if (depth > MAX_DEPTH) throw parseError(origin, `nested deeper than ${MAX_DEPTH}`, lineOf(node as Node));
      if (node === null || node === undefined) return null;
      if (isAlias(node)) throw parseError(origin, `alias *${node.source} refused: anchors and aliases are not allowed`, lineOf(node));
      const n = node as Node;
      if (n.anchor) throw parseError(origin, `anchor &${n.anchor} refused: anchors and aliases are not allowed`, lineOf(n));
      if (n.tag) throw parseError(origin, `tag ${n.tag} refused: tags are not allowed`, lineOf(n));
      if (isScalar(n)) {
        const v = n.value;
        if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) throw parseError(origin, `${n.source ?? String(v)} is not a finite number`, lineOf(n));
          return v;
        }
        throw parseError(origin, `unsupported value of type ${typeof v}`, lineOf(n));
      }
      if (isSeq(n)) return n.items.map((item) => convert(item, depth + 1));
      if (isMap(n)) {
        // A null-prototype object: a "__proto__" key is an ordinary (unknown) field.
        const out = Object.create(null) as Record<string, unknown>;
        for (const pair of n.items) {
          if (!isPair(pair)) throw parseError(origin, 'malformed mapping', lineOf(n));
          const key = pair.key;
          if (isAlias(key)) throw parseError(origin, 'alias used as a key', lineOf(n));
          if (!isScalar(key) || typeof key.value !== 'string') throw parseError(origin, `mapping keys must be plain strings, got ${isScalar(key) ? JSON.stringify(key.value) : 'a collection'}`, lineOf(key as Node));
          if ((key as Node).tag || (key as Node).anchor) throw parseError(origin, `key ${key.value}: tags and anchors are not allowed`, lineOf(key as Node));
          out[key.value] = convert(pair.value, depth + 1);
        }
        return out;
      }
      throw parseError(origin, 'unsupported YAML node', lineOf(n));
    };
    return convert(doc.contents, 0);
  } catch (error) {
    if (isOctantError(error)) throw error;
    // The parser itself threw (stack exhausted, alias limit): still a clear schema error.
    throw parseError(origin, `cannot parse: ${messageOf(error).split('\n')[0]}`);
  }
}

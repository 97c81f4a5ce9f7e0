// The query language every full-text index speaks (docs/search.md "Query
// syntax"), parsed into a tree; query-compile.ts turns the tree into an
// SQLite FTS5 MATCH expression over analyzed terms.
//
//   boundary layer        both words (AND is the default)
//   "boundary layer"      the phrase
//   lay*                  a prefix
//   heat OR flux          either
//   -turbulent, NOT x     without
//   (a OR b) c            grouping
//   title:wing            a word in one field of the index
//   section:1, -lang:fr   a metadata filter (exact value), or its negation
//
// Agents write queries: the parser bounds length and depth, and nothing of
// the text ever reaches FTS5 unquoted (query-compile.ts).

import { EXIT, OctantError } from '../errors.ts';

export type QueryNode =
  | { kind: 'word'; text: string; prefix: boolean; field?: string }
  | { kind: 'phrase'; text: string; field?: string }
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode };

/** Limits on what one query may ask: beyond them it is refused, not truncated silently. */
export const MAX_QUERY_LENGTH = 2_000;
export const MAX_QUERY_DEPTH = 16;
export const MAX_QUERY_CLAUSES = 64;

/** A field name: what may stand before ':' (anything else is a plain word with a colon). */
const FIELD = /^[A-Za-z_][\w.-]{0,63}$/;

type Lexeme =
  | { t: '(' } | { t: ')' } | { t: '-' }
  | { t: 'word'; text: string; field?: string; prefix: boolean }
  | { t: 'phrase'; text: string; field?: string }
  | { t: 'OR' } | { t: 'AND' } | { t: 'NOT' };

export function queryError(message: string): OctantError {
  return new OctantError('E_SEARCH_QUERY', `query: ${message}`, {
    exit: EXIT.usage,
    hint: 'words, "phrases", prefix*, OR, -not, (groups), field:value (docs/search.md "Query syntax")',
    detail: { status: 400 },
  });
}

function lex(text: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  const readPhrase = (): string => {
    const end = text.indexOf('"', i + 1);
    // An unclosed quote runs to the end: what a person means by it.
    const phrase = text.slice(i + 1, end === -1 ? text.length : end);
    i = end === -1 ? text.length : end + 1;
    return phrase;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { out.push({ t: c }); i++; continue; }
    if (c === '"') { out.push({ t: 'phrase', text: readPhrase() }); continue; }
    if (c === '-' && i + 1 < text.length && !/[\s)]/.test(text[i + 1]!) && (i === 0 || /[\s(]/.test(text[i - 1]!))) {
      out.push({ t: '-' }); i++; continue;
    }
    let j = i;
    while (j < text.length && !/[\s()"]/.test(text[j]!)) j++;
    let word = text.slice(i, j);
    i = j;
    if (word === 'OR' || word === 'AND' || word === 'NOT') { out.push({ t: word }); continue; }
    const colon = word.indexOf(':');
    let field: string | undefined;
    if (colon > 0 && FIELD.test(word.slice(0, colon))) {
      field = word.slice(0, colon);
      word = word.slice(colon + 1);
      if (word === '' && text[i] === '"') { out.push({ t: 'phrase', text: readPhrase(), field }); continue; }
      if (word === '') throw queryError(`'${field}:' has no value`);
    }
    const prefix = word.endsWith('*');
    if (prefix) word = word.replace(/\*+$/, '');
    if (word === '') continue;
    out.push({ t: 'word', text: word, field, prefix });
  }
  return out;
}

/** The tree of `text`; E_SEARCH_QUERY when it is malformed or too large. */
export function parseQuery(text: string): QueryNode {
  if (text.length > MAX_QUERY_LENGTH) throw queryError(`longer than ${MAX_QUERY_LENGTH} characters`);
  const lexemes = lex(text);
  let at = 0;
  let clauses = 0;
  const peek = (): Lexeme | undefined => lexemes[at];

  // OR binds tighter than the implicit AND, as in web search engines:
  // "heat OR flux transfer" is (heat OR flux) AND transfer.
  function andExpr(depth: number): QueryNode {
    if (depth > MAX_QUERY_DEPTH) throw queryError(`groups nested deeper than ${MAX_QUERY_DEPTH}`);
    const children: QueryNode[] = [];
    for (;;) {
      const next = peek();
      if (next === undefined || next.t === ')') break;
      if (next.t === 'AND' && children.length > 0) { at++; continue; }
      children.push(orExpr(depth));
    }
    if (children.length === 0) throw queryError('a group is empty');
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  function orExpr(depth: number): QueryNode {
    const children = [unary(depth)];
    while (peek()?.t === 'OR') {
      at++;
      const next = peek();
      if (next === undefined || next.t === ')' || next.t === 'OR' || next.t === 'AND') throw queryError("'OR' has nothing on its right");
      children.push(unary(depth));
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  function unary(depth: number): QueryNode {
    const next = peek();
    if (next?.t === '-' || next?.t === 'NOT') {
      at++;
      if (peek() === undefined) throw queryError(`'${next.t}' is not followed by anything`);
      return { kind: 'not', child: unary(depth) };
    }
    return primary(depth);
  }

  function primary(depth: number): QueryNode {
    const next = lexemes[at++];
    if (next === undefined) throw queryError('unexpected end');
    if (++clauses > MAX_QUERY_CLAUSES) throw queryError(`more than ${MAX_QUERY_CLAUSES} words, phrases and groups`);
    switch (next.t) {
      case '(': {
        const inner = andExpr(depth + 1);
        if (lexemes[at++]?.t !== ')') throw queryError("a '(' is not closed");
        return inner;
      }
      case 'word': return { kind: 'word', text: next.text, prefix: next.prefix, ...(next.field === undefined ? {} : { field: next.field }) };
      case 'phrase': return { kind: 'phrase', text: next.text, ...(next.field === undefined ? {} : { field: next.field }) };
      default: throw queryError(`'${next.t}' has nothing on its left`);
    }
  }

  if (lexemes.length === 0) return { kind: 'and', children: [] };
  const tree = andExpr(0);
  if (at < lexemes.length) throw queryError(`unexpected '${lexemes[at]!.t}' (a ')' without its '(')`);
  return tree;
}

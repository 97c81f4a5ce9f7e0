// Every error code the product can raise, read from the sources with the
// TypeScript compiler (not a regular expression over text): each string
// literal spelled like a code (E_ and capitals) in src/ (tests and test
// support left out) is a use of that code. Where the literal is the code of
// `new OctantError(code, message, { exit, hint })` or of a helper that
// builds one, the site's message, exit code and hint are read too. A helper's
// exit code comes from the `new OctantError` inside it (found through the
// type checker), so `denied('E_X', ...)` documents the exit `denied` gives.
//
// The catalogue (docs/errors.md) is rendered from this, so a code added to
// src/ and not regenerated makes the docs test fail.

import ts from 'typescript';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXIT } from '../../src/lib/errors.ts';

const CODE = /^E_[A-Z0-9_]+$/;

export interface ErrorSite {
  file: string;
  line: number;
  /** The message as written, `${...}` shown as `…`; undefined when not a literal. */
  message?: string;
  exit?: number;
  hint?: string;
  /** created: the code is given to OctantError or a helper making one; referenced: compared, mapped, passed on. */
  kind: 'created' | 'referenced';
}

export interface ErrorCode {
  code: string;
  sites: ErrorSite[];
}

/** Source files of the product: src/**.ts without tests and test support. */
export function productSources(src: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'testing' && entry.name !== 'fixtures') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
    }
  };
  walk(src);
  return out.sort();
}

/** A literal's text with interpolations shown as `…`; undefined for anything computed. */
function literalText(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => `…${s.literal.text}`).join('');
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  return undefined;
}

function exitOf(node: ts.Expression): number | undefined {
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'EXIT') {
    const name = node.name.text;
    return Object.hasOwn(EXIT, name) ? EXIT[name as keyof typeof EXIT] : undefined;
  }
  if (ts.isNumericLiteral(node)) return Number(node.text);
  return undefined;
}

/** `exit` and `hint` of an options object literal. */
function optionsOf(node: ts.Node | undefined): { exit?: number; hint?: string; exitStated: boolean } {
  const out: { exit?: number; hint?: string; exitStated: boolean } = { exitStated: false };
  if (node === undefined || !ts.isObjectLiteralExpression(node)) return out;
  for (const prop of node.properties) {
    if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name)) continue;
    if (prop.name.text === 'exit') {
      out.exitStated = true;
      out.exit = exitOf(prop.initializer);
    }
    if (prop.name.text === 'hint') out.hint = literalText(prop.initializer);
  }
  return out;
}

function isOctantErrorNew(node: ts.Node): node is ts.NewExpression {
  return ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'OctantError';
}

/** The exit code of the `new OctantError` a helper function builds, if it states one. */
function helperExit(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): number | undefined {
  let symbol = checker.getSymbolAtLocation(call.expression);
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  for (const decl of symbol?.declarations ?? []) {
    let found: number | undefined;
    let made = false;
    const visit = (node: ts.Node): void => {
      // `new OctantError(code, message, options)` in a helper, or `super(...)` in a subclass of it.
      const superCall = ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword && ts.isClassDeclaration(decl);
      if (isOctantErrorNew(node) || superCall) {
        made = true;
        const options = optionsOf((node as ts.CallExpression | ts.NewExpression).arguments?.[2]);
        found ??= options.exitStated ? options.exit : EXIT.failure;
      }
      ts.forEachChild(node, visit);
    };
    visit(decl);
    if (made) return found;
  }
  return undefined;
}

/** Scan the given files; codes sorted, sites in file order. */
export function scanErrorCodes(repo: string, files: readonly string[]): ErrorCode[] {
  const program = ts.createProgram([...files], { noEmit: true, allowImportingTsExtensions: true, target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, resolveJsonModule: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const codes = new Map<string, ErrorSite[]>();
  const add = (code: string, site: ErrorSite): void => {
    const list = codes.get(code) ?? [];
    list.push(site);
    codes.set(code, list);
  };
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`error-scan: cannot read ${file}`);
    const where = relative(repo, file);
    const visit = (node: ts.Node): void => {
      // usageError(message, hint): E_USAGE, exit 2 (src/lib/errors.ts).
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'usageError' && !where.endsWith('lib/errors.ts')) {
        add('E_USAGE', { file: where, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, kind: 'created', message: literalText(node.arguments[0]), hint: literalText(node.arguments[1]), exit: EXIT.usage });
      }
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && CODE.test(node.text)) {
        add(node.text, siteOf(checker, source, where, node));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return [...codes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([code, sites]) => ({ code, sites }));
}

function siteOf(checker: ts.TypeChecker, source: ts.SourceFile, file: string, literal: ts.Node): ErrorSite {
  const line = source.getLineAndCharacterOfPosition(literal.getStart()).line + 1;
  // Climb through `a ? 'E_X' : 'E_Y'`, `(...)` and `x ?? 'E_X'` to the call it is an argument of.
  let arg: ts.Node = literal;
  while (ts.isConditionalExpression(arg.parent) || ts.isParenthesizedExpression(arg.parent) || (ts.isBinaryExpression(arg.parent) && arg.parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) arg = arg.parent;
  const call = arg.parent;
  if ((ts.isNewExpression(call) || ts.isCallExpression(call)) && call.arguments !== undefined) {
    const index = call.arguments.indexOf(arg as ts.Expression);
    if (isOctantErrorNew(call) && index === 0) {
      const options = optionsOf(call.arguments[2]);
      return { file, line, kind: 'created', message: literalText(call.arguments[1]), exit: options.exitStated ? options.exit : EXIT.failure, hint: options.hint };
    }
    if (index >= 0) {
      // A helper (or a subclass of OctantError): its exit comes from the error
      // it builds; one that builds none (an HTTP reply to an agent) has no exit.
      const exit = helperExit(checker, call);
      const rest = call.arguments.slice(index + 1);
      const message = literalText(rest.find((a) => literalText(a) !== undefined));
      const options = optionsOf(rest.find((a) => ts.isObjectLiteralExpression(a)));
      if (exit !== undefined || message !== undefined) {
        return { file, line, kind: 'created', message, exit: options.exitStated ? options.exit : exit, hint: options.hint };
      }
    }
  }
  // `{ code: 'E_X', message: '...' }`: an error body written out (gateway and admin replies).
  if (ts.isPropertyAssignment(arg.parent) && ts.isIdentifier(arg.parent.name) && arg.parent.name.text === 'code' && ts.isObjectLiteralExpression(arg.parent.parent)) {
    const props = new Map<string, ts.Expression>();
    for (const p of arg.parent.parent.properties) if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) props.set(p.name.text, p.initializer);
    const message = literalText(props.get('message'));
    if (message !== undefined) {
      const exit = props.get('exit');
      return { file, line, kind: 'created', message, hint: literalText(props.get('hint')), exit: exit === undefined ? undefined : exitOf(exit) };
    }
  }
  return { file, line, kind: 'referenced' };
}

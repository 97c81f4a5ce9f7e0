// esbuild plugin: every import of a Node builtin (`node:http`, `fs`, ...) or
// of a CommonJS npm package (`yaml`) from our own sources becomes a lazy
// CommonJS shim, so the module is loaded on first use of one of its exports,
// never at start.
//
// Why (figures in docs/benchmarks.md "Boot"): a static ESM `import ... from
// 'node:http'` makes Node 26 build the module's ESM facade, which reads every
// export, one of which loads undici (~45 ms of CPU per process start). Even
// without a facade, loading node:https (tls) costs ~20 ms and evaluating the
// yaml package ~8 ms: a boot that makes no HTTPS request and reads no YAML
// file should pay for neither.
//
// How: the shim's exports object has one enumerable getter per export of the
// module (names taken at build time from this very Node, which is the Node
// inside the executable, and from the package as bundled). esbuild turns
// `import { request } from 'node:https'` into a property read
// `import_https.request` at each use site through its getter-copying interop,
// so nothing is loaded before it is used. The default import is the shim
// itself (Node's CommonJS interop: default = module.exports), whose getters
// read the same values. Every read returns the module's own value, so
// behaviour is the module's own; only the moment it loads changes. A
// package's code is kept as a string until then (see packageShim), so V8 does
// not even pre-parse it at start.

import type { Plugin, PluginBuild } from 'esbuild';
import { builtinModules, createRequire } from 'node:module';
import { join, relative } from 'node:path';

const BUILTIN = 'octant-lazy-builtin';
const PACKAGE = 'octant-lazy-package';

/** 'http' and 'node:http' name the same module; 'node:test' exists only with the prefix. */
function builtinId(spec: string): string | undefined {
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  if (builtinModules.includes(bare)) return `node:${bare}`;
  if (spec.startsWith('node:') && process.getBuiltinModule(spec) !== undefined) return spec;
  return undefined;
}

/** Own export names, sorted (the bundle stays deterministic). getOwnPropertyNames runs no getter. */
function exportNames(exports: object): string[] {
  return Object.getOwnPropertyNames(exports).filter((n) => n !== 'default' && n !== '__esModule').sort();
}

/**
 * CommonJS source of a shim whose accessors reach `load()` on first use (a
 * write goes through too: `process.exitCode = 1`). The accessors sit on the
 * shim's prototype, not on the shim: esbuild's interop (`__toESM`) copies a
 * module's own properties into a new object at every importing module (fs
 * alone has ~100 exports and ~40 importers), but it gives that object the
 * module's prototype, so inherited accessors cost one Object.create per import.
 */
function shim(load: string, names: readonly string[]): string {
  return [
    'let m;',
    `const load = () => (m ??= ${load});`,
    'const accessors = {};',
    `for (const name of ${JSON.stringify(names)}) Object.defineProperty(accessors, name, { get: () => load()[name], set: (v) => { load()[name] = v; }, enumerable: true });`,
    'module.exports = Object.create(accessors);',
    '',
  ].join('\n');
}

/** The shim for one builtin, e.g. 'node:http'. */
export function builtinShim(id: string): string {
  const mod = process.getBuiltinModule(id) as object | undefined;
  if (mod === undefined) throw new Error(`${id}: not a builtin module of ${process.version}`);
  // A module that is a function (events, stream, assert, module) is its own default export
  // (`class X extends EventEmitter`): no object of accessors can stand in for it, so it loads
  // eagerly, without an ESM facade. These are loaded by Node's own bootstrap anyway.
  const expr = `process.getBuiltinModule(${JSON.stringify(id)})`;
  return typeof mod === 'function' ? `module.exports = ${expr};\n` : shim(expr, exportNames(mod));
}

/**
 * The shim for one CommonJS package file (relative to `root`). The package,
 * bundled on its own into one CommonJS text, sits in the shim as a string
 * literal and is compiled by `new Function` on first use: V8 then does not
 * even pre-parse it at start (yaml is a quarter of the bundle, ~6 ms of
 * compile per boot, docs/benchmarks.md "Boot"), while scanning the literal is
 * nearly free. `//# sourceURL` keeps the package's file name in stack traces.
 * Its own require() of builtins goes to the bundle's top-level `require`.
 */
export async function packageShim(esbuild: PluginBuild['esbuild'], root: string, file: string): Promise<string> {
  const exports = createRequire(join(root, file))(join(root, file)) as object;
  const bundled = await esbuild.build({
    entryPoints: [join(root, file)], absWorkingDir: root, bundle: true, write: false, platform: 'node', format: 'cjs',
    target: 'node26', legalComments: 'none', logLevel: 'warning',
  });
  const code = `${bundled.outputFiles[0].text}\n//# sourceURL=${file}\n`;
  const evaluate = `((module) => (new Function('module', 'exports', 'require', ${JSON.stringify(code)})(module, module.exports, require), module.exports))({ exports: {} })`;
  return shim(evaluate, exportNames(exports));
}

const isBare = (spec: string): boolean => !spec.startsWith('.') && !spec.startsWith('/');

export function lazyModules(): Plugin {
  return {
    name: 'lazy-modules',
    setup(build) {
      // Paths inside the bundle are relative to the working directory, so that the bundle does not depend on where the checkout is.
      const root = build.initialOptions.absWorkingDir ?? process.cwd();
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (!isBare(args.path) || args.pluginData === PACKAGE) return undefined;
        const id = builtinId(args.path);
        if (id !== undefined) return { path: id, namespace: BUILTIN };
        // Packages imported by our sources only; a package's own imports stay as they are.
        if (args.importer.includes('/node_modules/') || args.namespace !== 'file') return undefined;
        const real = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: PACKAGE });
        if (real.errors.length > 0 || !/\.c?js$/.test(real.path)) return undefined;
        return { path: relative(root, real.path), namespace: PACKAGE };
      });
      build.onLoad({ filter: /.*/, namespace: BUILTIN }, (args) => ({ contents: builtinShim(args.path), loader: 'js' }));
      build.onLoad({ filter: /.*/, namespace: PACKAGE }, async (args) => ({ contents: await packageShim(build.esbuild, root, args.path), loader: 'js', resolveDir: root }));
    },
  };
}

// bleno's modules are run afresh for every load (internals.ts, dropBlenoModules: fresh instances per
// transport), but their code never changes within a process: each file is compiled once, and a later
// load runs the same compiled wrapper again with a new `module`, as Node's loader would after compiling
// it anew. A suite of 80 scenarios loads bleno 80 times; compiling its files each time was a tenth of
// `blebench run`'s CPU (README, "Tests and benchmark").
// What this reaches in Node (CommonJS loader, Node 20-24): Module.prototype._compile(content, filename), which
// Module._extensions['.js'] calls with the file's text; Module._resolveFilename and _resolveLookupPaths for
// the module's require.resolve. Pinned by test/peripheral/bleno-compile-once.test.ts.
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { compileFunction } from 'node:vm';

type Wrapper = (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => unknown;

interface LoaderInternals {
  prototype: { _compile(this: NodeJS.Module, content: string, filename: string, ...rest: unknown[]): unknown };
  _resolveFilename(request: string, parent: NodeJS.Module, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: NodeJS.Module): string[] | null;
}

const loader = Module as unknown as LoaderInternals;

/** Each file's text and its compiled wrapper (a file whose text changed is compiled again). Bounded by bleno's files. */
const compiled = new Map<string, { content: string; wrapper: Wrapper }>();

/** How many files were compiled here so far (the test reads it). */
export function compiledFileCount(): number {
  return compiled.size;
}

/** The `require` Node gives a module: its own require, resolve from it, the shared cache. */
function requireFor(module: NodeJS.Module): NodeJS.Require {
  const base = createRequire(module.filename);
  const req = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, module);
  return Object.assign(req, { resolve, cache: base.cache, main: base.main, extensions: base.extensions });
}

/** Runs `load` with every file under `dir` that it requires compiled at most once per process. */
export function withFilesCompiledOnce<T>(dir: string, load: () => T): T {
  const original = loader.prototype._compile;
  loader.prototype._compile = function (this: NodeJS.Module, content: string, filename: string, ...rest: unknown[]): unknown {
    // Any other file (and any argument a newer Node passes, such as the format) goes to Node's own.
    if (!filename.startsWith(dir)) return original.call(this, content, filename, ...rest);
    let entry = compiled.get(filename);
    if (entry?.content !== content) {
      entry = { content, wrapper: compileFunction(content, ['exports', 'require', 'module', '__filename', '__dirname'], { filename }) as unknown as Wrapper };
      compiled.set(filename, entry);
    }
    return entry.wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  try {
    return load();
  } finally {
    loader.prototype._compile = original;
  }
}

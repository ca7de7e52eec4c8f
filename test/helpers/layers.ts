// The map of the code as data, for test/architecture.test.ts and test/layout.test.ts: common/'s
// folders in three groups, read bottom up. `base` is what every layer may import and knows no
// procedure; `stack` the Bluetooth LE layers (the H4 wire, the virtual radio below the seam, the
// seam, the host's protocols, the tap and the capture formats it writes); `apps` what blebench does
// with the stack, each a command or a console.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const GROUPS = {
  base: ['codes', 'errors', 'util', 'log', 'output', 'input', 'crypto'],
  stack: ['h4', 'air', 'hci', 'att', 'gatt', 'smp', 'trace', 'capture'],
  apps: ['scenario', 'fuzz', 'doctor', 'console', 'explain', 'persona', 'sequence', 'html'],
} as const;
export type Group = keyof typeof GROUPS;
/** The host's layers: what the radio (common/…/air) never imports. */
export const HOST_LAYERS = ['hci', 'att', 'gatt', 'smp', 'trace', 'capture'] as const;

export const root = path.resolve(import.meta.dirname, '../..');
const isGroup = (s: string | undefined): s is Group => s !== undefined && Object.hasOwn(GROUPS, s);
export const groupOf = (folder: string): Group | undefined => (Object.keys(GROUPS) as Group[]).find((g) => (GROUPS[g] as readonly string[]).includes(folder));

/** Repo-relative .ts files under `dir` (forward slashes). */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...tsFiles(rel));
    else if (name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** The folder of common/ a file is in (`air` for common/stack/air/x.ts and for common/stack/air/x.ts). */
export function folderOf(file: string): string | undefined {
  const [top, first, second] = file.split('/');
  if (top !== 'common' || first === undefined) return undefined;
  return isGroup(first) && second !== undefined && !second.endsWith('.ts') ? second : first;
}

/** The folders of common/, wherever they sit (at its top, or inside a group folder). */
export function commonFolders(): string[] {
  const dirs = (d: string) => readdirSync(path.join(root, d)).filter((n) => statSync(path.join(root, d, n)).isDirectory());
  return dirs('common').flatMap((d) => (isGroup(d) ? dirs(`common/${d}`) : [d]));
}

export interface Import {
  /** Repo-relative path of the file imported (its .ts source). */
  target: string;
  /** Only types cross (`import type`, `export type … from`, every name `type`-marked): erased at run time. */
  typeOnly: boolean;
}

/** A file's static relative imports and re-exports, resolved. Dynamic `import()` is left out: it runs later, so it closes no load-time cycle. */
export function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s*from\s+['"](\.[^'"]+)['"]/gms)) {
    const names = /^\{([^}]*)\}$/.exec(m[3]!.trim())?.[1];
    const allTypes = names !== undefined && names.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '));
    const spec = m[4]!;
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    const target = existsSync(path.join(root, resolved)) ? resolved : `${resolved}/index.ts`;
    out.push({ target, typeOnly: m[2] !== undefined || allTypes });
  }
  for (const m of text.matchAll(/^import\s+['"](\.[^'"]+)['"]/gm)) {
    out.push({ target: path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)).replace(/\.js$/, '.ts'), typeOnly: false });
  }
  return out;
}

/** The import graph of `files`: each file and the files it imports (value imports only, or all). */
export function importGraph(files: string[], valueOnly: boolean): Map<string, string[]> {
  return new Map(files.map((f) => [f, importsOf(f).filter((i) => !valueOnly || !i.typeOnly).map((i) => i.target)]));
}

/** The cycles of a graph: strongly connected components of two or more nodes, or a node pointing at itself (Tarjan). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)!.includes(v)) cycles.push(scc.sort());
    }
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return cycles;
}

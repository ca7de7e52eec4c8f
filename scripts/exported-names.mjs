#!/usr/bin/env node
// Exported names defined in more than one source file (bin, central, common, peripheral): one name
// that means two things. Prints each with the files that define it, then the count.
// `node scripts/exported-names.mjs [--count]`. Re-exports (`export { X } from`, `export *`) are not
// definitions and are not counted.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const FOLDERS = ['bin', 'central', 'common', 'peripheral'];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : files(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const DECL = /^export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:const|let|var|function\*?|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;

const where = new Map();
for (const file of FOLDERS.flatMap((f) => files(path.join(ROOT, f)))) {
  const text = readFileSync(file, 'utf8');
  const names = new Set([...text.matchAll(DECL)].map((m) => m[1]));
  for (const n of names) {
    if (!where.has(n)) where.set(n, []);
    where.get(n).push(path.relative(ROOT, file));
  }
}
const twice = [...where].filter(([, fs]) => fs.length > 1).sort(([a], [b]) => a.localeCompare(b));
if (!process.argv.includes('--count')) for (const [n, fs] of twice) console.log(`${n}: ${fs.join(', ')}`);
console.log(`${twice.length} exported names defined in more than one file`);

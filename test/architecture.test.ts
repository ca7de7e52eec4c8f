// The layout is the map (design.md): arrows run downward only; noble is reached from central/noble/,
// bleno from its loader.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...tsFiles(rel));
    else if (name.endsWith('.ts')) out.push(rel);
  }
  return out;
}
const imports = (file: string) =>
  [...readFileSync(path.join(root, file), 'utf8').matchAll(/(?:from\s+|import\(|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
const code = ['bin', 'world', 'central', 'peripheral', 'common'].flatMap(tsFiles);

describe('architecture', () => {
  it('common/ imports neither central/ nor peripheral/ nor bin/', () => {
    const bad = tsFiles('common').filter((f) => imports(f).some((i) => /(^|\/)\.\.\/+(\.\.\/)*(central|peripheral|bin)\//.test(i)));
    expect(bad).toEqual([]);
  });

  it('central/ and peripheral/ do not import each other, nor bin/', () => {
    expect(tsFiles('central').filter((f) => imports(f).some((i) => /\.\.\/(peripheral|bin)\//.test(i)))).toEqual([]);
    expect(tsFiles('peripheral').filter((f) => imports(f).some((i) => /\.\.\/(central|bin)\//.test(i)))).toEqual([]);
  });

  it('world/ (both roles on one radio) sits above central/ and peripheral/ and below bin/: none of them imports it, it imports no bin/', () => {
    const toWorld = /(^|\/)\.\.\/+(\.\.\/)*world\//;
    expect(['common', 'central', 'peripheral'].flatMap(tsFiles).filter((f) => imports(f).some((i) => toWorld.test(i)))).toEqual([]);
    expect(tsFiles('world').filter((f) => imports(f).some((i) => /\.\.\/bin\//.test(i)))).toEqual([]);
    // The check can fail: bin/ does import it.
    expect(tsFiles('bin').some((f) => imports(f).some((i) => toWorld.test(i)))).toBe(true);
  });

  const value = (f: string) => readFileSync(path.join(root, f), 'utf8').replace(/import type[^;]+;/g, '').replace(/typeof import\([^)]*\)/g, '').replace(/import\('@abandonware\/(noble|bleno)'\)\.\w+/g, '');

  it('noble is reached only from central/noble/: its loader, the pinned files it reaches into, its platform bindings', () => {
    const noble = code.filter((f) => /@abandonware\/noble/.test(value(f)));
    expect(noble.sort()).toEqual(['central/noble/internals.ts', 'central/noble/load.ts', 'central/noble/os-bindings.ts']);
  });

  it("no file of bin/ or central/ outside central/noble/ touches a noble internal (an `_underscore` member)", () => {
    const reach = /\._[a-zA-Z]\w*|\[['"]_[a-zA-Z]/;
    const outside = ['bin', 'central'].flatMap(tsFiles).filter((f) => !f.startsWith(`central${path.sep}noble${path.sep}`));
    expect(outside.length).toBeGreaterThan(20);
    expect(outside.filter((f) => reach.test(readFileSync(path.join(root, f), 'utf8')))).toEqual([]);
    // The check can fail: the files that do reach in hold such members.
    expect(reach.test(readFileSync(path.join(root, 'central/noble/att-bearer.ts'), 'utf8'))).toBe(true);
  });

  it('bleno is loaded only in peripheral/bleno/', () => {
    const bleno = code.filter((f) => /@abandonware\/bleno/.test(value(f)));
    expect(bleno.length, 'bleno is loaded somewhere').toBeGreaterThan(0);
    expect(bleno.filter((f) => !f.startsWith(`peripheral${path.sep}bleno${path.sep}`))).toEqual([]);
    // bleno's internals (its lib/ files, `_`-prefixed fields of its objects) are reached from that folder only.
    const internals = code.filter((f) => /@abandonware\/bleno\/lib|internals\.bindings\.|\._gatt\b|\._ltkInfos\b/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(internals.filter((f) => !f.startsWith(`peripheral${path.sep}bleno${path.sep}`))).toEqual([]);
  });

  it('bluetooth-hci-socket is loaded only in common/hci/native-module.ts (and injected by socket-injection.ts)', () => {
    const files = code.filter((f) => readFileSync(path.join(root, f), 'utf8').includes("'@abandonware/bluetooth-hci-socket"));
    expect(files.sort()).toEqual(['common/hci/native-module.ts', 'common/hci/socket-injection.ts'].sort());
  });
});

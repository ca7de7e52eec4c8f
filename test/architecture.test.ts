// The layout is the map (README "Design"): arrows run downward only; noble is reached from central/noble/,
// bleno from its loader; common/'s folders keep to their group (test/helpers/layers.ts).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_LAYERS, commonFolders, findCycles, folderOf, groupOf, importGraph, importsOf, tsFiles as files, type Group } from './helpers/layers.js';

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

  it('bluetooth-hci-socket is loaded only in common/stack/hci/native-module.ts (and injected by socket-injection.ts)', () => {
    const files = code.filter((f) => readFileSync(path.join(root, f), 'utf8').includes("'@abandonware/bluetooth-hci-socket"));
    expect(files.sort()).toEqual(['common/stack/hci/native-module.ts', 'common/stack/hci/socket-injection.ts'].sort());
  });
});

describe('the map (README "The map", test/helpers/layers.ts)', () => {
  const common = files('common');
  const rank: Record<Group, number> = { base: 0, stack: 1, apps: 2 };
  const crossings = common.flatMap((f) => importsOf(f).map((i) => ({ from: f, to: i.target, a: folderOf(f)!, b: folderOf(i.target) })));

  it('every folder of common/ is in one group', () => {
    const folders = commonFolders();
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.filter((f) => !groupOf(f))).toEqual([]);
  });

  it('arrows point down: base/ imports no stack/ or apps/ folder, stack/ no apps/ folder', () => {
    const up = crossings.filter((c) => c.b && rank[groupOf(c.b)!] > rank[groupOf(c.a)!]);
    expect(up.map((c) => `${c.from} -> ${c.to}`)).toEqual([]);
    // The check can fail: arrows do cross the groups, downward.
    expect(crossings.some((c) => c.b && groupOf(c.a) === 'apps' && groupOf(c.b) === 'stack')).toBe(true);
  });

  it('the codes are leaves: codes/ imports nothing outside itself', () => {
    const codes = crossings.filter((c) => c.a === 'codes');
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((c) => c.b !== 'codes').map((c) => `${c.from} -> ${c.to}`)).toEqual([]);
  });

  it('the radio imports no host layer: air/ reaches only base/ folders and the H4 framing', () => {
    const air = crossings.filter((c) => c.a === 'air' && c.b !== 'air');
    expect(air.length).toBeGreaterThan(0);
    expect(air.filter((c) => (HOST_LAYERS as readonly string[]).includes(c.b ?? '')).map((c) => `${c.from} -> ${c.to}`)).toEqual([]);
    expect(air.filter((c) => c.b !== 'h4' && groupOf(c.b ?? '') !== 'base').map((c) => `${c.from} -> ${c.to}`)).toEqual([]);
  });

  it('the H4 framing is a leaf of the stack that both the seam and the radio import', () => {
    expect(crossings.filter((c) => c.a === 'h4' && c.b !== 'h4' && groupOf(c.b ?? '') !== 'base').map((c) => c.to)).toEqual([]);
    expect(crossings.some((c) => c.a === 'hci' && c.b === 'h4')).toBe(true);
    expect(crossings.some((c) => c.a === 'air' && c.b === 'h4')).toBe(true);
  });

  it('no value import closes a cycle (type-only imports are erased at run time)', () => {
    expect(findCycles(importGraph(['bin', 'central', 'peripheral', 'common'].flatMap(files), true))).toEqual([]);
    // The check can fail: the finder sees a cycle of two and a file importing itself, and not a chain.
    const sample = new Map([['a', ['b']], ['b', ['a', 'c']], ['c', []], ['d', ['d']], ['e', ['c']]]);
    expect(findCycles(sample)).toEqual([['a', 'b'], ['d']]);
  });
});

// The layout is the map (design.md): arrows run downward only, and noble/bleno each load in one module.
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
const code = ['bin', 'central', 'peripheral', 'common'].flatMap(tsFiles);

describe('architecture', () => {
  it('common/ imports neither central/ nor peripheral/ nor bin/', () => {
    const bad = tsFiles('common').filter((f) => imports(f).some((i) => /(^|\/)\.\.\/+(\.\.\/)*(central|peripheral|bin)\//.test(i)));
    expect(bad).toEqual([]);
  });

  it('central/ and peripheral/ do not import each other, nor bin/', () => {
    expect(tsFiles('central').filter((f) => imports(f).some((i) => /\.\.\/(peripheral|bin)\//.test(i)))).toEqual([]);
    expect(tsFiles('peripheral').filter((f) => imports(f).some((i) => /\.\.\/(central|bin)\//.test(i)))).toEqual([]);
  });

  it('noble is loaded only in central/noble-loader.ts, bleno only in peripheral/bleno/', () => {
    const value = (f: string) => readFileSync(path.join(root, f), 'utf8').replace(/import type[^;]+;/g, '').replace(/typeof import\([^)]*\)/g, '').replace(/import\('@abandonware\/(noble|bleno)'\)\.\w+/g, '');
    const noble = code.filter((f) => /@abandonware\/noble/.test(value(f)));
    const bleno = code.filter((f) => /@abandonware\/bleno/.test(value(f)));
    expect(noble).toEqual(['central/noble-loader.ts']);
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

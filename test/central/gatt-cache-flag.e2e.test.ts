// `blebench central --keys FILE` keeps a GATT cache with the bond it makes (Core v5.4 Vol 3 Part G
// 2.5.2): the services it discovered with their handles, and the Database Hash read then (7.3), in
// the key file beside the keys (written atomically, mode 0600). `--no-gatt-cache` keeps none, and a
// bad --gatt-cache is exit 2 naming the choices.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const dir = mkdtempSync(path.join(tmpdir(), 'blebench-gatt-cache-flag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface KeptBond { gattCache?: { databaseHash?: string; services: Array<{ uuid: string; characteristics: Array<{ uuid: string; valueHandle: number }> }> } }
const central = (keys: string, ...more: string[]) => spawnSync(process.execPath, [cli, 'central', '--keys', keys, '--json', ...more], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const bondsIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { bonds: KeptBond[] }).bonds;

describe('blebench central and the GATT cache kept with a bond', () => {
  it('keeps the discovered services and the Database Hash with the bond, in the 0600 key file', () => {
    const keys = path.join(dir, 'with-cache.json');
    const run = central(keys);
    expect(run.status, run.stderr).toBe(0);
    const [bond] = bondsIn(keys);
    expect(bond?.gattCache?.databaseHash).toMatch(/^[0-9a-f]{32}$/);
    const gatt = bond!.gattCache!.services.find((s) => s.uuid === '1801')!;
    expect(gatt.characteristics.map((c) => c.uuid)).toEqual(['2a05', '2b29', '2b2a']);
    expect(bond!.gattCache!.services.length).toBeGreaterThan(2);
    expect(statSync(keys).mode & 0o777).toBe(0o600);
  });

  it('--no-gatt-cache keeps none', () => {
    const keys = path.join(dir, 'no-cache.json');
    const run = central(keys, '--no-gatt-cache');
    expect(run.status, run.stderr).toBe(0);
    const [bond] = bondsIn(keys);
    expect(bond).toBeDefined();
    expect(bond!.gattCache).toBeUndefined();
  });

  it('a --gatt-cache that is no mode is exit 2 naming the choices', () => {
    const run = spawnSync(process.execPath, [cli, 'central', '--gatt-cache', 'sometimes'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/verify, trust, off/);
    expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });
});

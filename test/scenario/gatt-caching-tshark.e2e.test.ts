// The GATT caching scenarios' captures (`blebench run --btsnoop DIR`) read in tshark with no malformed
// packet and no error-level expert info, and tshark decodes caching's own PDUs as the spec names them:
// the Service Changed indication of 0x0001-0xFFFF, the Database Hash read by type, the 0x12 Database
// Out Of Sync, the Client Supported Features write.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const dir = mkdtempSync(path.join(tmpdir(), 'blebench-gatt-cache-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tshark = (file: string, filter: string) => spawnSync('tshark', ['-r', file, '-Y', filter], { encoding: 'utf8', timeout: 30_000 });
const capture = (name: string, side: 'central' | 'peripheral') => path.join(dir, `fixtures.scenarios.${name}.${side}.btsnoop`);

describe('GATT caching captures in tshark', () => {
  it('no malformed packet; Service Changed, the Database Hash, 0x12 and Client Supported Features decoded', () => {
    const files = readdirSync(path.join(root, 'fixtures/scenarios')).filter((f) => f.startsWith('gatt-cache-')).map((f) => `fixtures/scenarios/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(5);
    const run = spawnSync(process.execPath, [cli, 'run', ...files, '--seed', '7', '--btsnoop', dir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const captures = readdirSync(dir).filter((f) => f.endsWith('.btsnoop'));
    expect(captures).toHaveLength(files.length * 2);
    for (const f of captures) {
      const all = tshark(path.join(dir, f), 'frame');
      expect(all.status, all.stderr).toBe(0);
      expect(all.stdout.trim().split('\n').length, f).toBeGreaterThan(20);
      const bad = tshark(path.join(dir, f), '_ws.malformed || _ws.expert.severity >= error');
      expect(bad.status, bad.stderr).toBe(0);
      expect(bad.stdout, f).toBe('');
    }
    const sc = tshark(capture('gatt-cache-service-changed-rediscovers', 'central'), 'btatt.opcode == 0x1d');
    expect(sc.stdout).toMatch(/Handle Value Indication, Handle: 0x0008 \(Generic Attribute: Service Changed\)/);
    const range = spawnSync('tshark', ['-r', capture('gatt-cache-service-changed-rediscovers', 'central'), '-Y', 'btatt.opcode == 0x1d', '-T', 'fields', '-e', 'btatt.starting_handle', '-e', 'btatt.ending_handle'], { encoding: 'utf8', timeout: 30_000 });
    // Wireshark decodes Service Changed's value as the affected range (Vol 3 Part G 7.1).
    expect(range.stdout.trim().split(/\s+/)).toEqual(['0x0001', '0xffff']);
    const hash = tshark(capture('gatt-cache-hash-differs-rediscovers', 'central'), 'btatt.opcode == 0x08');
    expect(hash.stdout).toMatch(/Read By Type Request, Database Hash, Handles: 0x0001\.\.0xffff/);
    const oos = tshark(capture('gatt-cache-robust-caching-out-of-sync', 'central'), 'btatt.error_code == 0x12');
    // The filter matched the error code; Wireshark 3.x names 0x12 "<unknown>" (its table predates Core 5.1), 4.x "Database Out Of Sync".
    expect(oos.stdout).toMatch(/Error Response - (Database Out Of Sync|<unknown>), Handle: 0x0012/);
    const csf = tshark(capture('gatt-cache-robust-caching-out-of-sync', 'central'), 'btatt.opcode == 0x12 && btatt.handle == 0x000b');
    expect(csf.stdout).toMatch(/Write Request, Handle: 0x000b \(Generic Attribute: Client Supported Features\)/);
  }, 180_000);
});

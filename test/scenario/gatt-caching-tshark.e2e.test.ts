// The GATT caching scenarios' captures (`blebench run --btsnoop DIR`) read in tshark with no malformed
// packet and no error-level expert info, and tshark decodes caching's own PDUs as the spec names them:
// the Service Changed indication of 0x0001-0xFFFF, the Database Hash read by type, the 0x12 Database
// Out Of Sync, the Client Supported Features write.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tsharkBatch, tsharkQueries } from '../helpers/tshark-batch.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const dir = mkdtempSync(path.join(tmpdir(), 'blebench-gatt-cache-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const capture = (name: string, side: 'central' | 'peripheral') => path.join(dir, `fixtures.scenarios.${name}.${side}.btsnoop`);

describe('GATT caching captures in tshark', () => {
  it('no malformed packet; Service Changed, the Database Hash, 0x12 and Client Supported Features decoded', () => {
    const files = readdirSync(path.join(root, 'fixtures/scenarios')).filter((f) => f.startsWith('gatt-cache-')).map((f) => `fixtures/scenarios/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(5);
    const run = spawnSync(process.execPath, [cli, 'run', ...files, '--seed', '7', '--btsnoop', dir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const captures = readdirSync(dir).filter((f) => f.endsWith('.btsnoop'));
    expect(captures).toHaveLength(files.length * 2);
    // Every capture, every filter, with one tshark start per kind of output (test/helpers/tshark-batch.ts): each
    // query's lines are those `tshark -r FILE -Y FILTER` gives. The summary lines: each capture's
    // every frame, then caching's own PDUs.
    const paths = captures.map((f) => path.join(dir, f));
    const changed = capture('gatt-cache-service-changed-rediscovers', 'central');
    const robust = capture('gatt-cache-robust-caching-out-of-sync', 'central');
    const lines = tsharkQueries([
      ...paths.map((file) => ({ file, filter: 'frame' })),
      { file: changed, filter: 'btatt.opcode == 0x1d' },
      { file: capture('gatt-cache-hash-differs-rediscovers', 'central'), filter: 'btatt.opcode == 0x08' },
      { file: robust, filter: 'btatt.error_code == 0x12' },
      { file: robust, filter: 'btatt.opcode == 0x12 && btatt.handle == 0x000b' },
    ]);
    const bad = tsharkBatch(paths, { filter: '_ws.malformed || _ws.expert.severity >= error' });
    paths.forEach((f, i) => {
      expect(lines[i]!.rows.length, f).toBeGreaterThan(20);
      expect(bad.get(f)!.rows, f).toEqual([]);
    });
    const [sc, hash, oos, csf] = lines.slice(paths.length).map((q) => q.rows.map((r) => r[1]).join('\n'));
    expect(sc).toMatch(/Handle Value Indication, Handle: 0x0008 \(Generic Attribute: Service Changed\)/);
    const [range] = tsharkQueries([{ file: changed, filter: 'btatt.opcode == 0x1d' }], { fields: ['btatt.starting_handle', 'btatt.ending_handle'] });
    // Wireshark decodes Service Changed's value as the affected range (Vol 3 Part G 7.1).
    expect(range!.rows.map((r) => r.slice(1))).toEqual([['0x0001', '0xffff']]);
    expect(hash).toMatch(/Read By Type Request, Database Hash, Handles: 0x0001\.\.0xffff/);
    // The filter matched the error code; Wireshark 3.x names 0x12 "<unknown>" (its table predates Core 5.1), 4.x "Database Out Of Sync".
    expect(oos).toMatch(/Error Response - (Database Out Of Sync|<unknown>), Handle: 0x0012/);
    expect(csf).toMatch(/Write Request, Handle: 0x000b \(Generic Attribute: Client Supported Features\)/);
  }, 180_000);
});

// The benchmark keeps working (its figures are read by people, not asserted here: speed lives in
// `npm run bench`, not in timed tests).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run bench -- --json', () => {
  it('prints one JSON object with the figures, the Node version and how they were taken', () => {
    // The long-run figures at a small size: the soak and the fuzz totals still run end to end.
    const r = spawnSync(process.execPath, ['dist/bin/bench.js', '--json', '--soak-cycles', '20', '--fuzz-cases', '400', '--fuzz-seeds', '1', '--air-flood-seconds', '2'], { encoding: 'utf8', timeout: 170_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const res = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const k of ['connect_pair_read_ms_median', 'notify_per_s_20B', 'notify_per_s_244B']) {
      expect(typeof res[k], k).toBe('number');
      expect(res[k] as number, k).toBeGreaterThan(0);
    }
    expect(res.node).toBe(process.version);
    expect(Object.keys(res.method as object)).toEqual(expect.arrayContaining(['transport', 'connect_pair_read', 'notify', 'peripheral_soak', 'air_flood']));
    expect(res.peripheral_soak_paired, 'every soak cycle paired').toBe(20);
    expect(String(res.peripheral_key_file)).toMatch(/^valid JSON, 20 bonds \(20 distinct peers\)/);
    // the live memory (after a full GC in the peripheral) is read at every checkpoint
    expect(String(res.peripheral_live_mb)).toMatch(/^\d+\.\d at start, \d+\.\d after 2, \d+\.\d after 20$/);
    expect(String(res.peripheral_rss_series_mb).split(', ')).toHaveLength(11);
    // open descriptors, less those of a key store write under way, the same at every checkpoint
    const fds = String(res.peripheral_open_fds_series).split(', ').map((c) => /^\d+: (\d+)\+[01]$/.exec(c)?.[1]);
    expect(fds).toHaveLength(11);
    expect(new Set(fds), String(res.peripheral_open_fds_series)).toEqual(new Set([fds[0]]));
    // a bond in the key store's memory is a compact record (it was ~1,900 bytes as objects and Buffers)
    expect(res.key_store_bytes_per_bond).toBeGreaterThan(100);
    expect(res.key_store_bytes_per_bond).toBeLessThan(500);
    expect(res.fuzz_totals).toMatch(/^400 cases, 0 crashes, 0 hangs/);
  }, 180_000);
});

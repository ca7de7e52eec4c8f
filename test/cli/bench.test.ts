// The benchmark keeps working (its figures are read by people, not asserted here: speed lives in
// `npm run bench`, not in timed tests). Every part runs end to end at a small size (the sizes are the
// bench's options, bin/bench-options.ts), and every figure is checked to be there, of its kind, and
// taken as the options asked (the options themselves: test/bench/bench-options.test.ts).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const SUITE = ['fixtures/scenarios/open-read.yaml', 'fixtures/scenarios/encrypted-read-pairs-on-error.yaml'];
const SMALL = ['--notifications', '1000', '--notify-bursts', '3', '--suite', ...SUITE, '--explain-packets', '2000', '--html-packets', '1000', '--soak-cycles', '20', '--key-store-bonds', '4000', '--fuzz-cases', '400', '--fuzz-seeds', '1', '--air-flood-seconds', '0.5'];

const FIGURES = [
  'connect_pair_read_ms_median', 'connect_pair_read_ms_min', 'connect_pair_read_ms_max', 'notify_per_s_20B', 'notify_per_s_244B', 'notify_per_s_20B_bursts', 'notify_per_s_244B_bursts',
  'server_connect_pair_read_ms_median', 'server_connect_pair_read_ms_min', 'server_connect_pair_read_ms_max', 'server_notify_per_s_20B', 'server_notify_per_s_244B',
  'suite_wall_s', 'suite_scenarios', 'explain_packets_per_s', 'explain_rss_mb_200', 'explain_rss_mb_2k',
  'peripheral_soak_cycles', 'peripheral_soak_paired', 'peripheral_soak_s', 'peripheral_rss_mb', 'peripheral_rss_growth_mb_after_mark', 'peripheral_rss_growth_mb_after_mark_after_gc',
  'peripheral_rss_series_mb', 'peripheral_rss_after_gc_series_mb', 'peripheral_live_mb', 'peripheral_live_bytes_per_cycle_after_mark', 'peripheral_open_fds', 'peripheral_open_fds_series', 'peripheral_key_file',
  'key_store_bytes_per_bond', 'air_flood_rss_mb_max', 'air_flood_commands', 'air_flood_s', 'fuzz_totals', 'fuzz_s', 'fuzz_per_seed',
  'html_report_timeline_entries', 'html_report_arrows', 'html_report_mb', 'html_report_build_ms', 'html_report_load_ms', 'html_report_render_ms', 'html_report_load_render_ms', 'html_report_scroll_end_ms',
  'node', 'platform', 'cpus', 'method',
];
const METHODS = ['transport', 'connect_pair_read', 'notify', 'server_connect_pair_read', 'server_notify', 'suite_wall', 'explain', 'html_report', 'peripheral_soak', 'key_store_bytes_per_bond', 'air_flood', 'fuzz'];

describe('npm run bench -- --json', () => {
  it('prints one JSON object with every figure, the Node version and how each was taken', () => {
    const r = spawnSync(process.execPath, ['dist/bin/bench.js', '--json', ...SMALL], { encoding: 'utf8', timeout: 170_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const res = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(res).sort()).toEqual([...FIGURES].sort());
    const method = res.method as Record<string, string>;
    expect(Object.keys(method).sort()).toEqual([...METHODS].sort());
    for (const k of METHODS) expect(method[k]!.length, k).toBeGreaterThan(40);
    const positive = (k: string) => {
      expect(typeof res[k], k).toBe('number');
      expect(res[k] as number, k).toBeGreaterThan(0);
      return res[k] as number;
    };

    // bleno's own GATT, then blebench's server: bursts of --notifications, --notify-bursts counted
    const [min, median, max] = ['min', 'median', 'max'].map((m) => positive(`connect_pair_read_ms_${m}`));
    expect(min).toBeLessThanOrEqual(median!);
    expect(median).toBeLessThanOrEqual(max!);
    for (const size of ['20B', '244B']) {
      positive(`notify_per_s_${size}`);
      positive(`server_notify_per_s_${size}`);
      expect(String(res[`notify_per_s_${size}_bursts`]), size).toMatch(/^\d+, \d+, \d+$/);
    }
    expect(method.notify).toMatch(/^bursts of 1000 notifications .* then 3 bursts of 20 B and 3 of 244 B/);
    expect(method.server_notify).toMatch(/^1000 notifications of "Temperature"/);
    for (const m of ['min', 'median', 'max']) positive(`server_connect_pair_read_ms_${m}`);

    // the scenarios given with --suite, through `blebench run` in a fresh process
    positive('suite_wall_s');
    expect(res.suite_scenarios).toBe(SUITE.length);
    expect(method.suite_wall).toContain(`run --reporter json ${SUITE.join(' ')}`);

    // explain: --explain-packets and a tenth of it, the names saying which
    positive('explain_packets_per_s');
    positive('explain_rss_mb_200');
    positive('explain_rss_mb_2k');
    expect(method.explain).toContain('up to 200 and 2,000 packets');

    // the HTML report of a --html-packets timeline, drawn in chromium to its last arrow
    const entries = positive('html_report_timeline_entries');
    expect(entries).toBeGreaterThan(900);
    expect(entries).toBeLessThanOrEqual(1000);
    expect(positive('html_report_arrows')).toBeLessThanOrEqual(entries);
    positive('html_report_mb');
    for (const k of ['build', 'load', 'render', 'load_render', 'scroll_end']) expect(res[`html_report_${k}_ms`], k).toBeGreaterThanOrEqual(0);
    expect(method.html_report).toMatch(/^1,000 HCI packets/);

    // the long runs
    expect(res.peripheral_soak_cycles).toBe(20);
    expect(res.peripheral_soak_paired, 'every soak cycle paired').toBe(20);
    positive('peripheral_soak_s');
    expect(String(res.peripheral_key_file)).toMatch(/^valid JSON, 20 bonds \(20 distinct peers\) for 20 pairings$/);
    expect(String(res.peripheral_rss_mb)).toMatch(/^\d+\.\d at start, \d+\.\d after 2, \d+\.\d after 20$/);
    for (const k of ['peripheral_rss_growth_mb_after_mark', 'peripheral_rss_growth_mb_after_mark_after_gc', 'peripheral_live_bytes_per_cycle_after_mark']) expect(typeof res[k], k).toBe('number');
    // the live memory (after a full GC in the peripheral) is read at every checkpoint
    expect(String(res.peripheral_live_mb)).toMatch(/^\d+\.\d at start, \d+\.\d after 2, \d+\.\d after 20$/);
    for (const k of ['peripheral_rss_series_mb', 'peripheral_rss_after_gc_series_mb']) {
      const cycles = String(res[k]).split(', ').map((c) => /^(\d+): \d+\.\d$/.exec(c)?.[1]);
      expect(cycles, k).toEqual(['0', '2', '4', '6', '8', '10', '12', '14', '16', '18', '20']);
    }
    // open descriptors, less those of a key store write under way, the same at every checkpoint
    expect(String(res.peripheral_open_fds)).toMatch(/^\d+ .*after 2, \d+ .*after 20$/);
    const fds = String(res.peripheral_open_fds_series).split(', ').map((c) => /^\d+: (\d+)\+[01]$/.exec(c)?.[1]);
    expect(fds).toHaveLength(11);
    expect(new Set(fds), String(res.peripheral_open_fds_series)).toEqual(new Set([fds[0]]));
    // a bond in the key store's memory is a compact record (it was ~1,900 bytes as objects and Buffers)
    expect(res.key_store_bytes_per_bond).toBeGreaterThan(100);
    expect(res.key_store_bytes_per_bond).toBeLessThan(500);
    expect(method.key_store_bytes_per_bond).toContain('puts 4000 bonds');
    // the air under a host that never reads, for --air-flood-seconds
    positive('air_flood_rss_mb_max');
    positive('air_flood_commands');
    expect(res.air_flood_s).toBeGreaterThanOrEqual(0.5);
    expect(method.air_flood).toContain('for 0.5 s and never reads');
    expect(res.fuzz_totals).toMatch(/^400 cases, 0 crashes, 0 hangs$/);
    positive('fuzz_s');
    expect(res.fuzz_per_seed).toMatch(/^seed 1: 400 cases, 0 crashes, 0 hangs in \d+\.\d s$/);

    expect(res.node).toBe(process.version);
    expect(res.platform).toBe(`${process.platform} ${process.arch}`);
    expect(res.cpus).toMatch(/^\d+ × /);
  }, 180_000);
});

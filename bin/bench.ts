// npm run bench [-- --json]: how fast the testbench is on the virtual radio, and how it was measured.
// Figures (issue 2): connect_pair_read_ms_median (scan to value over mock, pairing included) and
// notify_per_s_20B / notify_per_s_244B (median of 5 bursts of 10,000 notifications bleno → noble, after a warm-up burst); suite_wall_s (issue 5:
// the whole default scenario suite on mock, as `blebench run --reporter json` in a fresh process); the long-run
// figures of issue 15 (bench-soak.ts): peripheral_soak_* (blebench peripheral --keys under a looping central),
// air_flood_rss_mb_max (blebench air under a host that never reads) and fuzz_* (blebench fuzz over several seeds);
// key_store_bytes_per_bond (bench-bond-memory.ts: what one bond costs in the JSON key store's memory).
// explain_* (bench-explain.ts): blebench explain's reader.
// The figures above are bleno answering with its own GATT (the baseline of bleno as shipped); server_* (bench-server.ts)
// take the same measures through blebench's ATT server (servePeripheral with the default profile). html_report_*
// (bench-html.ts, issue 20): a 10,000-packet timeline in the HTML report, loaded and drawn in headless chromium.
// Every size is an option (bench-options.ts, `--help`: the default figures above, or a small run of every part
// end to end as test/cli/bench.test.ts does); `--only html` measures that alone.
import { explainBench } from './bench-explain.js';
import { htmlBench } from './bench-html.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { waitForEvent, withTimeout } from '../common/base/util/wait.js';
import { loadNoble, type LoadedNoble } from '../central/noble/load.js';
import { type NoblePeripheral } from '../central/noble/internals.js';
import { openWorld, type World } from '../world/open-world.js';
import { airSoak, fuzzSoak, peripheralSoak, type SoakCheckpoint } from './bench-soak.js';
import { bondMemoryBench } from './bench-bond-memory.js';
import { serverBench } from './bench-server.js';
import { benchOptions } from './bench-options.js';

const SERVICE = 'b1eb0001000010008000b1eb0000b1eb'.replace(/-/g, '');
const SECURE = 'b1eb0002000010008000b1eb0000b1eb';
const NOTIFY = 'b1eb0003000010008000b1eb0000b1eb';
const PAIR_RUNS = 15;

const OPTIONS = benchOptions();
/** Notifications per burst through bleno's GATT (`--notifications`). */
const NOTIFICATIONS = OPTIONS.notifications ?? 10_000;
/** Counted bursts per size after one warm-up burst of each: the figure is their median (one burst alone depends on where a GC falls). */
const NOTIFY_BURSTS = OPTIONS.notifyBursts;

type Rig = World<{ peripheral: { kind: 'bleno' }; central: { kind: 'transport' } }> & { noble: LoadedNoble; notifySize: { n: number } };

async function rig(): Promise<Rig> {
  const world = await openWorld({ radio: { name: 'bench' }, peripheral: { kind: 'bleno' }, central: { kind: 'transport' } });
  try {
    const notifySize = { n: 20 };
    const b = world.bleno.bleno;
    const secure = new b.Characteristic({ uuid: SECURE, properties: ['read'], secure: ['read'], value: Buffer.from('secret') });
    const notify = new b.Characteristic({
      uuid: NOTIFY,
      properties: ['notify'],
      onSubscribe: (_max: number, update: (data: Buffer) => void) => {
        const payload = Buffer.alloc(notifySize.n, 0x5a);
        for (let i = 0; i < NOTIFICATIONS; i++) update(payload);
      },
    });
    await new Promise<void>((res, rej) => b.setServices([new b.PrimaryService({ uuid: SERVICE, characteristics: [secure, notify] })], (e?: Error | null) => (e ? rej(e) : res())));
    await new Promise<void>((res) => {
      b.once('advertisingStart', () => res());
      b.startAdvertising('bench', [SERVICE]);
    });
    // noble as shipped, loaded once bleno advertises.
    const noble = await loadNoble(world.ct);
    world.addPart('noble', () => noble.close());
    return Object.assign(world, { noble, notifySize });
  } catch (e) {
    await world.close().catch(() => undefined);
    throw e;
  }
}

async function scan(r: Rig): Promise<NoblePeripheral> {
  const found = waitForEvent<[NoblePeripheral]>(r.noble.noble as unknown as NodeJS.EventEmitter, 'discover', { what: 'advertiser', timeoutMs: 5000 });
  await r.noble.noble.startScanningAsync([SERVICE], false);
  const [p] = await found;
  await r.noble.noble.stopScanningAsync();
  return p;
}

async function connectPairRead(r: Rig): Promise<number> {
  const t0 = performance.now();
  const p = await scan(r);
  await withTimeout(p.connectAsync(), { what: 'connect', timeoutMs: 5000 });
  const { characteristics } = await withTimeout(p.discoverSomeServicesAndCharacteristicsAsync([SERVICE], [SECURE]), { what: 'discover', timeoutMs: 5000 });
  const v = await withTimeout(characteristics[0]!.readAsync(), { what: 'read', timeoutMs: 5000 });
  const ms = performance.now() - t0;
  if (v.toString() !== 'secret') throw new Error('bench: wrong value read');
  const gone = waitForEvent(p as unknown as NodeJS.EventEmitter, 'disconnect', { what: 'disconnect', timeoutMs: 5000 });
  await p.disconnectAsync();
  await gone;
  return ms;
}

async function notifyRate(r: Rig, size: number): Promise<number> {
  r.notifySize.n = size;
  const p = await scan(r);
  await withTimeout(p.connectAsync(), { what: 'connect', timeoutMs: 5000 });
  const { characteristics } = await withTimeout(p.discoverSomeServicesAndCharacteristicsAsync([SERVICE], [NOTIFY]), { what: 'discover', timeoutMs: 5000 });
  const ch = characteristics[0]!;
  let got = 0;
  let bad = 0;
  let t0 = 0;
  const all = new Promise<number>((resolve) => {
    ch.on('data', (data: Buffer) => {
      if (got === 0) t0 = performance.now();
      if (data.length !== size) bad++;
      if (++got === NOTIFICATIONS) resolve(performance.now() - t0);
    });
  });
  await ch.subscribeAsync();
  const ms = await withTimeout(all, { what: `${NOTIFICATIONS} notifications of ${size} B`, timeoutMs: 120_000 });
  if (bad) throw new Error(`bench: ${bad} notifications had the wrong length`);
  const gone = waitForEvent(p as unknown as NodeJS.EventEmitter, 'disconnect', { what: 'disconnect', timeoutMs: 5000 });
  await p.disconnectAsync();
  await gone;
  // first to last notification: (N-1) intervals
  return ((NOTIFICATIONS - 1) / ms) * 1000;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The default suite (or the scenarios of `--suite`) through the command, process start included: wall time from spawn to exit. */
async function suiteWall(paths: string[]): Promise<{ seconds: number; scenarios: number }> {
  const cli = fileURLToPath(new URL('../../bin/blebench.js', import.meta.url));
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'run', '--reporter', 'json', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c))), { what: `${paths.length ? paths.join(' ') : 'the default suite'} (blebench run)`, timeoutMs: 300_000 });
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`bench: blebench run exited ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}`);
  const report = JSON.parse(out) as { passed: number; failed: number; scenarios: unknown[] };
  if (report.failed) throw new Error(`bench: ${report.failed} scenarios of ${paths.length ? paths.join(' ') : 'the default suite'} failed`);
  return { seconds, scenarios: report.scenarios.length };
}

/** The long-run figures (issue 15), each skipped when its size is 0. */
async function longRuns(): Promise<{ figures: Record<string, unknown>; method: Record<string, string> }> {
  const figures: Record<string, unknown> = {};
  const method: Record<string, string> = {};
  if (OPTIONS.soakCycles > 0) {
    const p = await peripheralSoak(OPTIONS.soakCycles, (c) => process.stderr.write(`bench: soak cycle ${c.cycle}: RSS ${c.rssMb.toFixed(1)} MB (${c.rssMbAfterGc.toFixed(1)} after GC), live heap ${c.heapUsedMb.toFixed(1)} MB (of ${c.heapTotalMb.toFixed(1)}) + ${c.externalMb.toFixed(1)} MB outside it, ${c.fds} descriptors (${c.keyStoreWriteFds} of a key store write)\n`));
    const fds = (c: SoakCheckpoint) => `${c.fds}${c.keyStoreWriteFds ? ` (${c.keyStoreWriteFds} of them a key store write under way)` : ''}`;
    const live = (c: SoakCheckpoint) => c.heapUsedMb + c.externalMb;
    const bonds = p.end.cycle - p.mark.cycle;
    const b = await bondMemoryBench(OPTIONS.keyStoreBonds);
    Object.assign(figures, {
      peripheral_soak_cycles: p.cycles,
      peripheral_soak_paired: p.paired,
      peripheral_soak_s: Number(p.seconds.toFixed(1)),
      peripheral_rss_mb: `${p.start.rssMb.toFixed(1)} at start, ${p.mark.rssMb.toFixed(1)} after ${p.markCycle}, ${p.end.rssMb.toFixed(1)} after ${p.cycles}`,
      peripheral_rss_growth_mb_after_mark: Number((p.end.rssMb - p.mark.rssMb).toFixed(1)),
      peripheral_rss_growth_mb_after_mark_after_gc: Number((p.end.rssMbAfterGc - p.mark.rssMbAfterGc).toFixed(1)),
      peripheral_rss_series_mb: p.checkpoints.map((c) => `${c.cycle}: ${c.rssMb.toFixed(1)}`).join(', '),
      peripheral_rss_after_gc_series_mb: p.checkpoints.map((c) => `${c.cycle}: ${c.rssMbAfterGc.toFixed(1)}`).join(', '),
      peripheral_live_mb: `${live(p.start).toFixed(1)} at start, ${live(p.mark).toFixed(1)} after ${p.markCycle}, ${live(p.end).toFixed(1)} after ${p.cycles}`,
      peripheral_live_bytes_per_cycle_after_mark: bonds > 0 ? Math.round(((live(p.end) - live(p.mark)) * 2 ** 20) / bonds) : 0,
      peripheral_open_fds: `${fds(p.mark)} after ${p.markCycle}, ${fds(p.end)} after ${p.cycles}`,
      peripheral_open_fds_series: p.checkpoints.map((c) => `${c.cycle}: ${c.fds - c.keyStoreWriteFds}+${c.keyStoreWriteFds}`).join(', '),
      peripheral_key_file: `${p.keyFileValid ? 'valid JSON' : 'NOT valid JSON'}, ${p.bondsInFile} bonds (${p.keyFileDistinctPeers} distinct peers) for ${p.paired} pairings`,
      key_store_bytes_per_bond: b.bytesPerBond,
    });
    method.peripheral_soak = `\`blebench peripheral --keys FILE\` (a child process, with bench-gc-probe.js loaded) on \`blebench air\` (another); a looping central in this process: each cycle a fresh controller on the air (a fresh address), noble with blebench's Security Manager (bonding), connect, pair, disconnect; the peripheral's VmRSS and /proc/PID/fd count read at the start, every tenth of the run, after cycle ${p.markCycle} and at the end, each followed by a full GC in the peripheral for its live memory (V8 heap used + external); the key file parsed after the peripheral stopped`;
    method.key_store_bytes_per_bond = `a fresh process (--expose-gc) puts ${b.bonds} bonds (both LTKs, both IRKs each) into a JsonFileKeyStore and waits for the file (${b.bondsInFile} bonds in it); live memory after a full GC ${b.liveMbAtFirst.toFixed(1)} MB after 1,000 bonds, ${b.liveMbAtEnd.toFixed(1)} MB after ${b.bonds}: the difference per bond`;
  }
  if (OPTIONS.airFloodSeconds > 0) {
    const a = await airSoak(OPTIONS.airFloodSeconds * 1000);
    Object.assign(figures, { air_flood_rss_mb_max: Number(a.rssMbMax.toFixed(1)), air_flood_commands: a.commandsWritten, air_flood_s: Number(a.seconds.toFixed(1)) });
    method.air_flood = `\`blebench air\` (a child process) and one host that writes HCI Read BD_ADDR commands in 64 KiB writes for ${a.seconds.toFixed(1)} s and never reads; the air's VmRSS read every 100 ms (from ${a.rssMbAtStart.toFixed(1)} MB at the start)`;
  }
  if (OPTIONS.fuzzCases > 0) {
    const f = await fuzzSoak(OPTIONS.fuzzCases, OPTIONS.fuzzSeeds);
    Object.assign(figures, { fuzz_totals: f.total, fuzz_s: Number(f.seconds.toFixed(1)), fuzz_per_seed: f.lines.join('; ') });
    if (f.findings.length) figures.fuzz_findings = f.findings.join('\n');
    method.fuzz = `\`blebench fuzz\`'s run (runFuzz, the same four targets in child processes) for seeds ${f.seeds.join(', ')}, ${OPTIONS.fuzzCases} cases shared among them; wall time of all`;
  }
  return { figures, method };
}

/** The baseline: bleno answering with its own GATT. */
async function blenoBench(): Promise<{ runs: number[]; n20: number[]; n244: number[] }> {
  const r = await rig();
  try {
    const runs: number[] = [];
    await connectPairRead(r); // warm-up, not counted
    for (let i = 0; i < PAIR_RUNS; i++) runs.push(await connectPairRead(r));
    await notifyRate(r, 20); // warm-up, not counted
    await notifyRate(r, 244); // warm-up, not counted
    const n20: number[] = [];
    const n244: number[] = [];
    for (let i = 0; i < NOTIFY_BURSTS; i++) {
      n20.push(await notifyRate(r, 20));
      n244.push(await notifyRate(r, 244));
    }
    return { runs, n20, n244 };
  } finally {
    await r.close();
  }
}

export async function bench(): Promise<Record<string, unknown>> {
  const html = await htmlBench(OPTIONS.htmlPackets);
  if (OPTIONS.onlyHtml) return { ...html.figures, node: process.version, method: { html_report: html.method } };
  const { runs, n20, n244 } = await blenoBench();
  // bleno is one per process: the first is closed before servePeripheral loads its own
  const srv = await serverBench(OPTIONS.notifications);
  const suite = await suiteWall(OPTIONS.suite ?? []);
  const ex = OPTIONS.explainPackets > 0 ? await explainBench(OPTIONS.explainPackets) : undefined;
  const long = await longRuns();
  return {
    connect_pair_read_ms_median: Number(median(runs).toFixed(2)),
    connect_pair_read_ms_min: Number(Math.min(...runs).toFixed(2)),
    connect_pair_read_ms_max: Number(Math.max(...runs).toFixed(2)),
    notify_per_s_20B: Math.round(median(n20)),
    notify_per_s_244B: Math.round(median(n244)),
    notify_per_s_20B_bursts: n20.map(Math.round).join(', '),
    notify_per_s_244B_bursts: n244.map(Math.round).join(', '),
    server_connect_pair_read_ms_median: Number(median(srv.connectPairReadMs).toFixed(2)),
    server_connect_pair_read_ms_min: Number(Math.min(...srv.connectPairReadMs).toFixed(2)),
    server_connect_pair_read_ms_max: Number(Math.max(...srv.connectPairReadMs).toFixed(2)),
    server_notify_per_s_20B: Math.round(srv.notifyPerS20),
    server_notify_per_s_244B: Math.round(srv.notifyPerS244),
    suite_wall_s: Number(suite.seconds.toFixed(2)),
    suite_scenarios: suite.scenarios,
    ...ex?.figures,
    ...long.figures,
    ...html.figures,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    method: {
      transport: 'mock: the in-process virtual radio, one controller per role; the taps decode every packet',
      connect_pair_read: `${PAIR_RUNS} runs after one warm-up, bleno answering with its own GATT (no blebench ATT server): noble scan start → connect → discover the one service → read a characteristic bleno marks secure (ATT 0x05 → LE legacy Just Works pairing → encryption → re-sent read) → value; median of the runs`,
      suite_wall: `\`node bin/blebench.js run --reporter json${OPTIONS.suite ? ` ${OPTIONS.suite.join(' ')}` : ''}\` in a new process: ${OPTIONS.suite ? 'the scenarios given with --suite' : 'the whole default suite (fixtures/scenarios)'}, ${suite.scenarios} scenarios, each on a fresh virtual radio with fresh bleno and noble, from spawn to exit, Node start-up and module loading included; one run`,
      ...(ex && { explain: ex.method }),
      html_report: html.method,
      ...long.method,
      ...srv.method,
      notify: `bursts of ${NOTIFICATIONS} notifications sent by bleno after the CCCD write, each on a new connection; rate = (N-1) / (time from the first to the last received by noble); one uncounted warm-up burst of each size, then ${NOTIFY_BURSTS} bursts of 20 B and ${NOTIFY_BURSTS} of 244 B in turn, the figure their median (each burst's rate in *_bursts); ATT MTU as negotiated by noble and bleno`,
    },
  };
}

const json = OPTIONS.json;
bench().then(
  (res) => {
    if (json) process.stdout.write(JSON.stringify(res) + '\n');
    else {
      process.stdout.write('blebench benchmark (virtual radio)\n');
      for (const [k, v] of Object.entries(res)) {
        if (k === 'method') continue;
        process.stdout.write(`  ${k.padEnd(36)} ${v}\n`);
      }
      process.stdout.write('how it was measured:\n');
      for (const [k, v] of Object.entries(res.method as Record<string, string>)) process.stdout.write(`  ${k}: ${v}\n`);
    }
    process.exit(0);
  },
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.message}\n`);
    process.exit(1);
  },
);

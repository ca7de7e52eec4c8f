// The soak figures of `npm run bench` (issue 15): long runs keep bounded memory.
//  - peripheral: `blebench peripheral --keys FILE` on `blebench air`, served N connect/pair/disconnect
//    cycles by a looping central (each cycle a fresh controller on the air, so a fresh address and a new
//    bond); its RSS and open descriptors read from /proc/PID at cycle 1,000 (or N/10) and at the end,
//    the key file parsed at the end: valid JSON holding one bond per successful pairing.
//  - air: `blebench air` under a host that writes HCI commands as fast as it can and never reads;
//    the air's RSS sampled from /proc/PID every 100 ms.
//  - fuzz: `blebench fuzz`'s run over several seeds, its totals line (0 crashes, 0 hangs expected).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { H4, OP } from '../common/base/codes/hci.js';
import { openTransport } from '../common/stack/hci/transport.js';
import { MemoryKeyStore } from '../common/stack/smp/key-store.js';
import { pairingConfig } from '../common/stack/smp/pairing-config.js';
import { LONG_RUN_HISTORY } from '../common/stack/trace/tap.js';
import { withTimeout } from '../common/base/util/wait.js';
import { CentralClient } from '../central/central-client.js';
import { countLine, findingText } from '../common/apps/fuzz/verdict.js';
import { runFuzz, shareCases } from '../common/apps/fuzz/run-fuzz.js';
import { fuzzTargets } from './commands/fuzz.js';

const CLI = fileURLToPath(new URL('../../bin/blebench.js', import.meta.url));
/** Loaded into the soak's peripheral: SIGUSR2 collects garbage and prints its live memory (bench-gc-probe.ts). */
const GC_PROBE = new URL('./bench-gc-probe.js', import.meta.url).href;
const PROBE_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 20_000;
const CYCLE_TIMEOUT_MS = 10_000;
/** The cycles after which the peripheral's memory must stay flat. */
const FIRST_CYCLES = 1000;
/** How long the flood (the host that never reads keeps writing) lasts by default (`--air-flood-seconds`). */
const FLOOD_MS = 15_000;
/** How often the air's RSS is read during the flood. */
const RSS_SAMPLE_MS = 100;

/** VmRSS of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Open file descriptors of a process (Linux /proc/PID/fd). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Of a process's open descriptors, those on `dir` or a file in it (the key store's write under way: its temporary file, its folder's fsync). */
export function fdsUnder(pid: number, dir: string): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target === dir || target.startsWith(dir + '/')) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

interface Child {
  proc: ChildProcess;
  line: string;
  /** The next stdout line matching `re` (after this call). */
  nextLine(re: RegExp, what: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
  /** Set when the process ended by itself: its exit and the tail of its stderr. */
  died(): string | undefined;
}

/** Start `blebench ARGS` and wait for a stdout line matching `ready`. */
async function startCli(args: string[], ready: RegExp, nodeArgs: string[] = []): Promise<Child> {
  const proc = spawn(process.execPath, [...nodeArgs, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let partial = '';
  let err = '';
  const waiting = new Set<(line: string) => void>();
  proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  proc.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) for (const w of [...waiting]) w(l);
  });
  const nextLine = (re: RegExp, what: string, timeoutMs = READY_TIMEOUT_MS) => {
    let listener!: (line: string) => void;
    let exited!: (code: number | null) => void;
    return withTimeout(
      new Promise<string>((resolve, reject) => {
        listener = (l) => re.test(l) && resolve(l);
        waiting.add(listener);
        exited = (code) => reject(new Error(`blebench ${args[0]} exited (${code}) before ${what}: ${err.trim()}`));
        proc.once('exit', exited);
      }),
      { timeoutMs, what },
    ).finally(() => (waiting.delete(listener), proc.off('exit', exited)));
  };
  const line = await nextLine(ready, `blebench ${args[0]} to be ready`);
  let stopping = false;
  let death: string | undefined;
  proc.once('exit', (code, signal) => {
    if (!stopping) death = `blebench ${args[0]} ended by itself (${signal ?? code}): ${err.trim().split('\n').slice(-8).join(' / ')}`;
  });
  const stop = async () => {
    stopping = true;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await withTimeout(gone, { timeoutMs: 10_000, what: `blebench ${args[0]} to stop` }).catch(() => proc.kill('SIGKILL'));
  };
  return { proc, line, nextLine, stop, died: () => death };
}

/** The peripheral's memory at one point of the soak. */
export interface SoakCheckpoint {
  cycle: number;
  /** VmRSS as read, before anything else. */
  rssMb: number;
  /** After a full garbage collection in the peripheral (bench-gc-probe.ts): what it holds. */
  rssMbAfterGc: number;
  /** The V8 heap's size (what it reserved) and what of it is used, after the GC. */
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  fds: number;
  /** Of fds, those of a key store write under way (its temporary file, its folder): 0 between writes. */
  keyStoreWriteFds: number;
}

export interface PeripheralSoak {
  cycles: number;
  paired: number;
  failed: number;
  seconds: number;
  /** At the start, every tenth of the run (and at markCycle), and at the end. */
  checkpoints: SoakCheckpoint[];
  start: SoakCheckpoint;
  mark: SoakCheckpoint;
  end: SoakCheckpoint;
  markCycle: number;
  bondsInFile: number;
  keyFileValid: boolean;
  /** Every bond in the file is a distinct peer, and as many as pairings succeeded. */
  keyFileDistinctPeers: number;
}

/** `blebench peripheral --keys` on `blebench air`, served `cycles` connect/pair/disconnect cycles. */
export async function peripheralSoak(cycles: number, onCheckpoint?: (c: SoakCheckpoint) => void): Promise<PeripheralSoak> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-soak-'));
  const sock = path.join(dir, 'air.sock');
  const keys = path.join(dir, 'keys.json');
  const air = await startCli(['air', '--listen', `unix:${sock}`, '--log-level', 'error'], /listening on/);
  let peripheral: Child | undefined;
  try {
    peripheral = await startCli(['peripheral', '--transport', `h4:unix:${sock}`, '--keys', keys, '--log-level', 'error'], /waiting for a central/, ['--expose-gc', '--import', GC_PROBE]);
    const address = /\(([0-9A-F:]{17})\)/i.exec(peripheral.line)?.[1];
    if (!address) throw new Error(`bench: no address in the peripheral's ready line: ${peripheral.line}`);
    const p = peripheral;
    const pid = p.proc.pid!;
    const checkpoint = async (cycle: number): Promise<SoakCheckpoint> => {
      const rss = rssMb(pid);
      const fds = openFds(pid);
      const keyStoreWriteFds = fdsUnder(pid, realpathSync(dir));
      const answer = p.nextLine(/^gc-probe /, 'the gc probe of the peripheral', PROBE_TIMEOUT_MS);
      p.proc.kill('SIGUSR2');
      const m = JSON.parse((await answer).slice('gc-probe '.length)) as { rssMb?: number; heapTotalMb?: number; heapUsedMb?: number; externalMb?: number; error?: string };
      if (m.error) throw new Error(`bench: ${m.error}`);
      const c = { cycle, rssMb: rss, rssMbAfterGc: m.rssMb!, heapTotalMb: m.heapTotalMb!, heapUsedMb: m.heapUsedMb!, externalMb: m.externalMb!, fds, keyStoreWriteFds };
      onCheckpoint?.(c);
      return c;
    };
    // "growth after the first 1,000" (issue 15); a shorter run marks its first tenth
    const markCycle = cycles >= 2 * FIRST_CYCLES ? FIRST_CYCLES : Math.max(1, Math.floor(cycles / 10));
    const every = Math.max(1, Math.floor(cycles / 10));
    const checkpoints = [await checkpoint(0)];
    let paired = 0;
    let failed = 0;
    const t0 = performance.now();
    for (let i = 1; i <= cycles; i++) {
      if (await cycle(sock, address)) paired++;
      else failed++;
      const death = p.died() ?? air.died();
      if (death) throw new Error(`bench: after ${i} cycles ${death}`);
      if (i === markCycle || i % every === 0 || i === cycles) checkpoints.push(await checkpoint(i));
    }
    const seconds = (performance.now() - t0) / 1000;
    await p.stop();
    let bondsInFile = 0;
    let keyFileValid = false;
    let keyFileDistinctPeers = 0;
    try {
      const doc = JSON.parse(readFileSync(keys, 'utf8')) as { bonds?: { peer?: { address?: string; type?: string } }[] };
      bondsInFile = doc.bonds?.length ?? 0;
      keyFileValid = Array.isArray(doc.bonds);
      keyFileDistinctPeers = new Set(doc.bonds?.map((b) => `${b.peer?.address}/${b.peer?.type}`)).size;
    } catch {
      keyFileValid = false;
    }
    const at = (n: number) => checkpoints.find((c) => c.cycle === n)!;
    return { cycles, paired, failed, seconds, checkpoints, start: at(0), mark: at(markCycle), end: at(cycles), markCycle, bondsInFile, keyFileValid, keyFileDistinctPeers };
  } finally {
    await peripheral?.stop();
    await air.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One looping-central cycle: a fresh controller on the air, connect, pair (bonding), disconnect. */
async function cycle(sock: string, address: string): Promise<boolean> {
  const transport = await openTransport(`h4:unix:${sock}`, { name: 'central', history: LONG_RUN_HISTORY });
  try {
    const client = await CentralClient.open(transport, { policy: 'never', timeoutMs: CYCLE_TIMEOUT_MS, smp: { config: pairingConfig({ bonding: true }), keyStore: new MemoryKeyStore() } });
    try {
      const conn = await client.connectTo({ kind: 'address', value: address.toLowerCase() });
      try {
        const report = await conn.pair();
        return !report.error;
      } finally {
        await conn.disconnect();
      }
    } finally {
      await client.close();
    }
  } catch {
    return false;
  } finally {
    await transport.close();
  }
}

export interface AirSoak {
  seconds: number;
  commandsWritten: number;
  rssMbAtStart: number;
  rssMbMax: number;
}

/** `blebench air` and a host that writes HCI commands as fast as the air takes them and never reads. */
export async function airSoak(floodMs = FLOOD_MS): Promise<AirSoak> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-soak-air-'));
  const sock = path.join(dir, 'air.sock');
  const air = await startCli(['air', '--listen', `unix:${sock}`, '--log-level', 'error'], /listening on/);
  const pid = air.proc.pid!;
  const socket = net.connect(sock);
  try {
    socket.pause(); // never reads
    await withTimeout(new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject)), { timeoutMs: 5000, what: 'connect to the air' });
    const rssMbAtStart = rssMb(pid);
    let rssMbMax = rssMbAtStart;
    const sampler = setInterval(() => (rssMbMax = Math.max(rssMbMax, rssMb(pid))), RSS_SAMPLE_MS);
    const command = Buffer.from([H4.COMMAND, OP.READ_BD_ADDR & 0xff, OP.READ_BD_ADDR >> 8, 0]);
    const chunk = Buffer.concat(Array.from({ length: 16_384 }, () => command)); // 64 KiB of commands per write
    let commandsWritten = 0;
    const t0 = performance.now();
    try {
      while (performance.now() - t0 < floodMs) {
        commandsWritten += 16_384;
        if (!socket.write(chunk)) {
          // the air stopped reading: wait for it (or for the end), never buffer without bound here either
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Math.max(0, floodMs - (performance.now() - t0)));
            socket.once('drain', () => (clearTimeout(t), resolve()));
          });
        }
      }
    } finally {
      clearInterval(sampler);
    }
    rssMbMax = Math.max(rssMbMax, rssMb(pid));
    return { seconds: (performance.now() - t0) / 1000, commandsWritten, rssMbAtStart, rssMbMax };
  } finally {
    socket.destroy();
    await air.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FuzzSoak {
  seeds: number[];
  cases: number;
  crashes: number;
  hangs: number;
  seconds: number;
  /** `blebench fuzz`'s last line per seed, and over all: `N cases, C crashes, H hangs`. */
  lines: string[];
  total: string;
  findings: string[];
}

/** `blebench fuzz` over several seeds, `cases` in all (each seed its share over the four targets), as the command runs it. */
export async function fuzzSoak(cases: number, seeds: number[]): Promise<FuzzSoak> {
  const targets = fuzzTargets('both');
  const shares = shareCases(cases, seeds.length);
  const lines: string[] = [];
  const findings: string[] = [];
  let crashes = 0;
  let hangs = 0;
  let done = 0;
  const t0 = performance.now();
  for (const [i, seed] of seeds.entries()) {
    const v = await runFuzz({ seed, cases: shares[i]!, targets });
    done += v.cases;
    crashes += v.crashes;
    hangs += v.hangs;
    lines.push(`seed ${seed}: ${countLine(v)} in ${(v.elapsedMs / 1000).toFixed(1)} s`);
    for (const f of v.findings) findings.push(findingText(f));
  }
  return { seeds, cases: done, crashes, hangs, seconds: (performance.now() - t0) / 1000, lines, total: countLine({ cases: done, crashes, hangs }), findings };
}

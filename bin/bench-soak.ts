// The soak figures of `npm run bench` (issue 15): long runs keep bounded memory.
//  - peripheral: `blebench peripheral --keys FILE` on `blebench air`, served N connect/pair/disconnect
//    cycles by a looping central (each cycle a fresh controller on the air, so a fresh address and a new
//    bond); its RSS and open descriptors read from /proc/PID at cycle 1,000 (or N/10) and at the end,
//    the key file parsed at the end: valid JSON holding one bond per successful pairing.
//  - air: `blebench air` under a host that writes HCI commands as fast as it can and never reads;
//    the air's RSS sampled from /proc/PID every 100 ms.
//  - fuzz: `blebench fuzz`'s run over several seeds, its totals line (0 crashes, 0 hangs expected).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { H4, OP } from '../common/codes/hci.js';
import { openTransport } from '../common/hci/transport.js';
import { MemoryKeyStore } from '../common/smp/key-store.js';
import { pairingConfig } from '../common/smp/pairing-config.js';
import { LONG_RUN_HISTORY } from '../common/trace/tap.js';
import { withTimeout } from '../common/util/wait.js';
import { CentralClient } from '../central/central-client.js';
import { countLine, findingText } from '../common/fuzz/verdict.js';
import { runFuzz, shareCases } from '../common/fuzz/run-fuzz.js';
import { fuzzTargets } from './commands/fuzz.js';

const CLI = fileURLToPath(new URL('../../bin/blebench.js', import.meta.url));
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

interface Child {
  proc: ChildProcess;
  line: string;
  stop(): Promise<void>;
  /** Set when the process ended by itself: its exit and the tail of its stderr. */
  died(): string | undefined;
}

/** Start `blebench ARGS` and wait for a stdout line matching `ready`. */
async function startCli(args: string[], ready: RegExp): Promise<Child> {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const line = await withTimeout(
    new Promise<string>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const hit = out.split('\n').find((l) => ready.test(l));
        if (hit) resolve(hit);
      });
      proc.once('exit', (code) => reject(new Error(`blebench ${args[0]} exited (${code}) before it was ready: ${err.trim()}`)));
    }),
    { timeoutMs: READY_TIMEOUT_MS, what: `blebench ${args[0]} to be ready` },
  );
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
  return { proc, line, stop, died: () => death };
}

export interface PeripheralSoak {
  cycles: number;
  paired: number;
  failed: number;
  seconds: number;
  rssMbAtStart: number;
  rssMbAtMark: number;
  rssMbAtEnd: number;
  markCycle: number;
  fdsAtMark: number;
  fdsAtEnd: number;
  bondsInFile: number;
  keyFileValid: boolean;
}

/** `blebench peripheral --keys` on `blebench air`, served `cycles` connect/pair/disconnect cycles. */
export async function peripheralSoak(cycles: number): Promise<PeripheralSoak> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-soak-'));
  const sock = path.join(dir, 'air.sock');
  const keys = path.join(dir, 'keys.json');
  const air = await startCli(['air', '--listen', `unix:${sock}`, '--log-level', 'error'], /listening on/);
  let peripheral: Child | undefined;
  try {
    peripheral = await startCli(['peripheral', '--transport', `h4:unix:${sock}`, '--keys', keys, '--log-level', 'error'], /waiting for a central/);
    const address = /\(([0-9A-F:]{17})\)/i.exec(peripheral.line)?.[1];
    if (!address) throw new Error(`bench: no address in the peripheral's ready line: ${peripheral.line}`);
    const pid = peripheral.proc.pid!;
    // "growth after the first 1,000" (issue 15); a shorter run marks its first tenth
    const markCycle = cycles >= 2 * FIRST_CYCLES ? FIRST_CYCLES : Math.max(1, Math.floor(cycles / 10));
    const rssMbAtStart = rssMb(pid);
    let rssMbAtMark = NaN;
    let fdsAtMark = NaN;
    let paired = 0;
    let failed = 0;
    const t0 = performance.now();
    for (let i = 1; i <= cycles; i++) {
      if (await cycle(sock, address)) paired++;
      else failed++;
      const death = peripheral.died() ?? air.died();
      if (death) throw new Error(`bench: after ${i} cycles ${death}`);
      if (i === markCycle) {
        rssMbAtMark = rssMb(pid);
        fdsAtMark = openFds(pid);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const rssMbAtEnd = rssMb(pid);
    const fdsAtEnd = openFds(pid);
    await peripheral.stop();
    let bondsInFile = 0;
    let keyFileValid = false;
    try {
      const doc = JSON.parse(readFileSync(keys, 'utf8')) as { bonds?: unknown[] };
      bondsInFile = doc.bonds?.length ?? 0;
      keyFileValid = Array.isArray(doc.bonds);
    } catch {
      keyFileValid = false;
    }
    return { cycles, paired, failed, seconds, rssMbAtStart, rssMbAtMark, rssMbAtEnd, markCycle, fdsAtMark, fdsAtEnd, bondsInFile, keyFileValid };
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

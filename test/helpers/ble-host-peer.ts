// A ble-host peer (test/interop/peers/*.mjs) in a child process: its plan goes in as JSON on argv,
// its results come out as JSON lines, every wait has a deadline. ble-host keeps bonds under its cwd,
// so each peer gets its own directory (plan.cwd).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TimeoutError } from '../../common/base/util/wait.js';
import { startChild, type Child } from './child.js';

const PEERS = fileURLToPath(new URL('../interop/peers/', import.meta.url));

export interface PeerLine {
  event: string;
  [field: string]: unknown;
}

export interface BleHostPeer {
  child: Child;
  /** Every JSON line so far. */
  lines(): PeerLine[];
  /** The first line with this event (and matching `where`), waiting for it up to `timeoutMs`. */
  waitFor(event: string, timeoutMs: number, where?: (l: PeerLine) => boolean): Promise<PeerLine>;
  /** Waits for the peer's `done` line (a plan that ran to its end); every line so far. */
  finished(timeoutMs: number): Promise<PeerLine[]>;
  stop(): Promise<number | null>;
}

export function startBleHostPeer(kind: 'central' | 'peripheral', plan: object): BleHostPeer {
  const child = startChild(process.execPath, [path.join(PEERS, `ble-host-${kind}.mjs`), JSON.stringify(plan)]);
  // Only whole lines: a chunk may end inside one.
  const lines = () =>
    child
      .stdout()
      .slice(0, child.stdout().lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as PeerLine);
  const failure = () => lines().find((l) => l.event === 'error' || l.event === 'transport-closed');
  const context = () => `\nlines: ${child.stdout().slice(-3000)}\nstderr: ${child.stderr().slice(-2000)}`;
  /** Re-checks on every chunk of output and on exit; fails at the deadline, on an error line or on exit. */
  const watch = <T>(what: string, timeoutMs: number, get: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const v = get();
        const bad = failure();
        if (v !== undefined) finish(() => resolve(v));
        else if (bad) finish(() => reject(new Error(`ble-host ${kind} failed while waiting for ${what}: ${JSON.stringify(bad)}${context()}`)));
        else if (child.proc.exitCode !== null || child.proc.signalCode !== null) finish(() => reject(new Error(`ble-host ${kind} exited (${child.proc.exitCode ?? child.proc.signalCode}) before ${what}${context()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new TimeoutError(`${what} from the ble-host ${kind}${context()}`, timeoutMs))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        child.proc.stdout!.off('data', check);
        child.proc.off('exit', check);
        settle();
      };
      child.proc.stdout!.on('data', check);
      child.proc.on('exit', check);
      check();
    });
  return {
    child,
    lines,
    waitFor: (event, timeoutMs, where = () => true) => watch(`a "${event}" line`, timeoutMs, () => lines().find((l) => l.event === event && where(l))),
    finished: (timeoutMs) => watch('the end of its plan', timeoutMs, () => (lines().some((l) => l.event === 'done') ? lines() : undefined)),
    stop: () => child.stop(),
  };
}

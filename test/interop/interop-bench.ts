// One interop test's bench: its own directory (ble-host keeps bonds under its cwd), its own
// `blebench air` (in this process, on a unix socket: every connection a fresh virtual controller),
// and the child processes on it: blebench's roles as users run them, ble-host peers. close() stops
// them all at once and removes the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAirServer, type AirServer } from '../../common/stack/air/index.js';
import { loadProfile } from '../../common/stack/gatt/load-profile.js';
import type { ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { toUuid128 } from '../../common/stack/gatt/uuid.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { startBleHostPeer, type BleHostPeer, type PeerLine } from '../helpers/ble-host-peer.js';
import { startChild, type Child } from '../helpers/child.js';

/** Each ble-host step's time limit. */
export const STEP_MS = 5000;
/** The passkey both sides are given for Passkey Entry. */
export const PASSKEY = 123456;
/** A passkey that is not PASSKEY, for the wrong-passkey cases (bit 0 already differs: 0x1E240 vs 0x9FBF1). */
export const WRONG_PASSKEY = 654321;
/** How long a blebench program may take to start and say it is ready (node start-up included, on a busy 2-core machine). */
const READY_MS = 15_000;

export const DEFAULT_PROFILE: ResolvedProfile = loadProfile('default');
/** The default profile's service, as ble-host writes UUIDs. */
export const SERVICE_UUID = toUuid128(DEFAULT_PROFILE.advertising.serviceUuids[0]!);

export interface Bench {
  readonly dir: string;
  /** `unix:PATH` of this bench's air. */
  readonly air: string;
  /** `blebench peripheral --transport h4:AIR --log-format json`, ready. */
  blebenchPeripheral(flags: string[]): Promise<Child>;
  /** A blebench command to its end: exit code and output. */
  blebench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** A ble-host peer on this air, with its cwd in this bench's directory. */
  bleHost(kind: 'central' | 'peripheral', plan: object): BleHostPeer;
  close(): Promise<void>;
}

export async function openBench(): Promise<Bench> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-interop-'));
  const server: AirServer = await startAirServer({ listen: `unix:${path.join(dir, 'air.sock')}` });
  const air = server.address;
  const children: Array<{ stop(): Promise<number | null> }> = [];
  const blebenchChild = (args: string[]) => {
    // 200 columns: the matrix's phases side by side, whatever terminal runs the tests.
    const child = startChild(process.execPath, ['bin/blebench.js', ...args], { COLUMNS: '200' });
    children.push(child);
    return child;
  };
  return {
    dir,
    air,
    async blebenchPeripheral(flags) {
      const child = blebenchChild(['peripheral', '--transport', `h4:${air}`, '--log-format', 'json', '--log-level', 'info', ...flags]);
      await child.waitForLine(/waiting for a central/, READY_MS);
      return child;
    },
    async blebench(args, timeoutMs) {
      const child = blebenchChild(args);
      if (child.proc.exitCode === null && child.proc.signalCode === null) await waitForEvent(child.proc, 'exit', { what: `blebench ${args.join(' ')}`, timeoutMs });
      return { code: child.proc.exitCode, stdout: child.stdout(), stderr: child.stderr() };
    },
    bleHost(kind, plan) {
      const peer = startBleHostPeer(kind, { air, cwd: dir, timeoutMs: STEP_MS, ...plan });
      children.push(peer);
      return peer;
    },
    async close() {
      await Promise.all(children.map((c) => c.stop()));
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const only = (lines: PeerLine[], event: string) => lines.filter((l) => l.event === event);

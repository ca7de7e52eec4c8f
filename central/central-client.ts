// The central role over any transport: noble (loaded by central/noble-loader.ts) finds and connects;
// each connection gets its own CentralConnection with its own GATT client. Connection failures come
// back as HciError with the LE Connection Complete status (e.g. 0x3E), or OperationTimeout after
// LE Create Connection Cancel. Core v5.4 Vol 4 Part E 7.8.12, 7.8.13, 7.7.65.1.
import type { SmpSetup } from '../common/smp/link-session.js';
import type { HciTransport } from '../common/hci/transport.js';
import type { LinkState } from '../common/trace/link-state.js';
import type { TimelineEntry } from '../common/trace/timeline.js';
import { LE_EVT } from '../common/codes/hci.js';
import { CentralConnection } from './connection.js';
import { deadline } from './deadline.js';
import { CentralUsageError, HciError, OperationTimeout } from './errors.js';
import { loadNoble, NobleInternalsChanged, type LoadedNoble } from './noble-loader.js';
import type { PairingPolicy } from './pairing/pairing-policy.js';
import { storedKeyFor } from './pairing/stored-key.js';
import { describeFilter, scanAll, scanFor, type Advertisement, type Found, type ScanFilter } from './scan.js';

export interface CentralClientOptions {
  policy?: PairingPolicy;
  /** Time limit of every operation (scan, connect, each request, pairing). */
  timeoutMs?: number;
  /** Run blebench's Security Manager instead of noble's (LE legacy Just Works only). Default: noble's. */
  smp?: SmpSetup;
}

export const DEFAULT_TIMEOUT_MS = 5000;

const isConnectionComplete = (e: TimelineEntry) =>
  e.layer === 'hci-evt' && (e.fields.subevent === LE_EVT.CONNECTION_COMPLETE || e.fields.subevent === LE_EVT.ENHANCED_CONNECTION_COMPLETE);

export class CentralClient {
  readonly policy: PairingPolicy;
  readonly timeoutMs: number;
  /** Peers a key was made with in this run (noble keeps no keys, the peer may). */
  private readonly pairedWith = new Set<string>();

  private constructor(
    readonly noble: LoadedNoble,
    readonly transport: HciTransport,
    options: CentralClientOptions,
  ) {
    this.policy = options.policy ?? 'on-error';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  static async open(transport: HciTransport, options: CentralClientOptions = {}): Promise<CentralClient> {
    const noble = await loadNoble(transport, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, attBearers: true, ...(options.smp ? { smp: options.smp } : {}) });
    return new CentralClient(noble, transport, options);
  }

  get tap() {
    return this.transport.tap;
  }

  /** The first peripheral matching `filter` (its advertisement: name, services, RSSI, data). */
  find(filter: ScanFilter, timeoutMs = this.timeoutMs): Promise<Found> {
    return scanFor(this.noble.noble, filter, timeoutMs);
  }

  /** Every peripheral matching `filter` heard within `durationMs`. */
  scan(filter: ScanFilter, durationMs = this.timeoutMs): Promise<Advertisement[]> {
    return scanAll(this.noble.noble, filter, durationMs);
  }

  /** Connect, then apply the policy (`upfront` pairs now). */
  async connect(found: Found, options: { policy?: PairingPolicy; timeoutMs?: number } = {}): Promise<CentralConnection> {
    const policy = options.policy ?? this.policy;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const { peripheral, advertisement } = found;
    const from = this.tap.entries.at(-1)?.seq ?? -1;
    try {
      await deadline(peripheral.connectAsync(), { what: `connection to ${advertisement.address}`, timeoutMs, onTimeout: () => peripheral.cancelConnect() });
    } catch (e) {
      if (e instanceof OperationTimeout) throw e;
      const done = this.tap.entries.filter((x) => x.seq > from && isConnectionComplete(x)).at(-1);
      const status = done?.fields.status;
      if (typeof status === 'number' && status !== 0) throw new HciError(status, 'connection', `connecting to ${advertisement.address}`);
      throw new CentralUsageError(`noble could not connect to ${advertisement.address}: ${(e as Error).message}`);
    }
    const link = this.currentLink(advertisement.address);
    const bearer = link && this.noble.bearer(link.handle);
    if (!link || !bearer) throw new NobleInternalsChanged(`no ATT bearer was taken over for the connection to ${advertisement.address}`);
    const conn = new CentralConnection({
      tap: this.tap,
      link,
      bearer,
      peer: advertisement,
      policy,
      timeoutMs,
      disconnectLink: () => peripheral.disconnect(),
      pairedBefore: this.pairedWith.has(advertisement.address),
      storedKey: () => storedKeyFor(this.tap, advertisement.address, link),
    });
    conn.on('paired', (r) => {
      if (r.result === 'encrypted') this.pairedWith.add(advertisement.address);
    });
    if (policy === 'upfront') {
      const report = await conn.pair('upfront');
      if (report.error) throw report.error;
    }
    return conn;
  }

  /** Find and connect in one step. */
  async connectTo(filter: ScanFilter, options: { policy?: PairingPolicy; timeoutMs?: number } = {}): Promise<CentralConnection> {
    return this.connect(await this.find(filter, options.timeoutMs), options);
  }

  /** Drop `conn` if it is still up, then connect to the same peer again (a new connection, a new GATT client). */
  async reconnect(conn: CentralConnection, found: Found, options: { policy?: PairingPolicy; timeoutMs?: number } = {}): Promise<CentralConnection> {
    if (found.advertisement.address !== conn.peer.address) throw new CentralUsageError(`reconnect: ${found.advertisement.address} is not ${conn.peer.address}`);
    await conn.disconnect();
    return this.connect(found, options);
  }

  describe(filter: ScanFilter): string {
    return describeFilter(filter);
  }

  async close(): Promise<void> {
    await this.noble.close();
  }

  private currentLink(address: string): LinkState | undefined {
    return this.tap
      .links()
      .filter((l) => l.connected && l.role === 'central' && l.peerAddress.toLowerCase() === address.toLowerCase())
      .at(-1);
  }
}

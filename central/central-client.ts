// The central role over any transport: noble (loaded by central/noble/) finds and connects;
// each connection gets its own CentralConnection with its own GATT client. Connection failures come
// back as HciError with the LE Connection Complete status (e.g. 0x3E), or OperationTimeout after
// LE Create Connection Cancel. Core v5.4 Vol 4 Part E 7.8.12, 7.8.13, 7.7.65.1.
import { MemoryKeyStore, type KeyStore } from '../common/stack/smp/key-store.js';
import { SMP_TIMEOUT_MS } from '../common/stack/smp/pairing-engine.js';
import type { SmpSetup } from '../common/stack/smp/link-session.js';
import type { HciTransport } from '../common/stack/hci/transport.js';
import type { TransportError } from '../common/stack/hci/transport-errors.js';
import type { LinkState } from '../common/stack/trace/link-state.js';
import type { TimelineEntry } from '../common/stack/trace/timeline.js';
import { LE_EVT, OP } from '../common/base/codes/hci.js';
import { commandRefusal, ControllerRefusedError } from '../common/stack/hci/command-refusal.js';
import { CentralConnection } from './connection.js';
import { deadline } from './deadline.js';
import { CentralUsageError, HciError, OperationTimeout } from './errors.js';
import { loadNoble, type LoadedNoble } from './noble/load.js';
import { NobleInternalsChanged } from './noble/internals.js';
import type { PairingPolicy } from './pairing/pairing-policy.js';
import { CentralBonds } from './pairing/central-bonds.js';
import { DEFAULT_KEY_MISSING_POLICY, type KeyMissingPolicy, type PeerKeyKnowledge } from './pairing/key-missing-policy.js';
import { DEFAULT_GATT_CACHE, type GattCacheOptions } from './gatt/gatt-cache.js';
import { updateBond } from '../common/stack/smp/bond-update.js';
import { describeFilter, scanAll, scanFor, scanWhile, type Advertisement, type Found, type ScanFilter } from './scan.js';

export interface CentralClientOptions {
  policy?: PairingPolicy;
  /** Time limit of every operation (scan, connect, each request, pairing). */
  timeoutMs?: number;
  /**
   * Run blebench's Security Manager instead of noble's (LE legacy Just Works only). Default: noble's.
   * Without a keyStore of its own it gets the client's (so both Security Managers keep bonds in one place).
   */
  smp?: SmpSetup;
  /** Where bonds are kept (default: smp.keyStore, else in memory for this client's life). */
  keyStore?: KeyStore;
  /** When a peer has no key for the central's bond (Encryption Change 0x06): pair again (default) or stop. */
  onKeyMissing?: KeyMissingPolicy;
  /** The ATT errors the on-error policy pairs for on every connection (a persona's; default 0x05 and 0x0F). */
  cures?: ReadonlySet<number>;
  /** The GATT cache kept with each bond: verify (default), trust, off (central/gatt/gatt-cache.ts). */
  gattCache?: GattCacheOptions;
  /** Told when a connection learns the peer's database changed (Service Changed, another Database Hash, 0x12), in words. */
  onDatabaseChanged?: (peer: string, why: string) => void;
  /** The ATT errors after which it pairs again asking for MITM (a persona's `then: pair-with-mitm`). */
  mitmRetry?: ReadonlySet<number>;
}

/** Per connection, overriding the client's (a persona's column in the matrix: central/persona/). */
export interface ConnectOptions {
  policy?: PairingPolicy;
  timeoutMs?: number;
  onKeyMissing?: KeyMissingPolicy;
  /** The ATT errors that make the on-error policy pair (default 0x05 and 0x0F). */
  cures?: ReadonlySet<number>;
  /** The ATT errors after which it pairs again asking for MITM (central/pairing/mitm-retry.ts). */
  mitmRetry?: ReadonlySet<number>;
}

/** Beyond the SMP timeout a pairing has surely ended: the pairer's own limit when a Security Manager may wait for a person. */
const PAIRING_MARGIN_MS = 2000;

export const DEFAULT_TIMEOUT_MS = 5000;

const isConnectionComplete = (e: TimelineEntry) =>
  e.layer === 'hci-evt' && (e.fields.subevent === LE_EVT.CONNECTION_COMPLETE || e.fields.subevent === LE_EVT.ENHANCED_CONNECTION_COMPLETE);

export class CentralClient {
  readonly policy: PairingPolicy;
  readonly onKeyMissing: KeyMissingPolicy;
  readonly cures: ReadonlySet<number> | undefined;
  readonly mitmRetry: ReadonlySet<number> | undefined;
  readonly timeoutMs: number;
  /** How the GATT cache kept with each bond is used. */
  readonly gattCache: GattCacheOptions;
  private readonly onDatabaseChanged: ((peer: string, why: string) => void) | undefined;
  /** What the last encryption with a kept key showed of each peer's key in this run (by advertised address); a key a pairing of this run made is pairedWith's. */
  private readonly peerKeys = new Map<string, PeerKeyKnowledge>();
  /** Peers a key was made with in this run (noble keeps no keys, the peer may). */
  private readonly pairedWith = new Set<string>();
  /** The one key store, whichever Security Manager pairs. */
  readonly bonds: CentralBonds;
  /** How long a pairing may take: the operation limit, or beyond the SMP timeout when blebench's Security Manager may ask a person. */
  private readonly pairingTimeoutMs: number;

  private constructor(
    readonly loadedNoble: LoadedNoble,
    readonly transport: HciTransport,
    options: CentralClientOptions,
    keyStore: KeyStore,
  ) {
    this.policy = options.policy ?? 'on-error';
    this.onKeyMissing = options.onKeyMissing ?? DEFAULT_KEY_MISSING_POLICY;
    this.gattCache = options.gattCache ?? DEFAULT_GATT_CACHE;
    this.onDatabaseChanged = options.onDatabaseChanged;
    this.cures = options.cures;
    this.mitmRetry = options.mitmRetry;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.bonds = new CentralBonds(keyStore);
    this.pairingTimeoutMs = options.smp ? Math.max(this.timeoutMs, (options.smp.timeoutMs ?? SMP_TIMEOUT_MS) + PAIRING_MARGIN_MS) : this.timeoutMs;
  }

  static async open(transport: HciTransport, options: CentralClientOptions = {}): Promise<CentralClient> {
    const keyStore = options.keyStore ?? options.smp?.keyStore ?? new MemoryKeyStore();
    // The setup is shared, not copied: callers change its config between phases (the matrix's --methods).
    if (options.smp) options.smp.keyStore ??= keyStore;
    const noble = await loadNoble(transport, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, attBearers: true, ...(options.smp ? { smp: options.smp } : {}) });
    return new CentralClient(noble, transport, options, keyStore);
  }

  get tap() {
    return this.transport.tap;
  }

  /** The first peripheral matching `filter` (its advertisement: name, services, RSSI, data). */
  async find(filter: ScanFilter, timeoutMs = this.timeoutMs): Promise<Found> {
    const refusal = this.scanRefusal();
    try {
      return await scanFor(this.loadedNoble.noble, filter, timeoutMs, refusal.failed);
    } finally {
      refusal.stop();
    }
  }

  /** Every peripheral matching `filter` heard within `durationMs`. */
  async scan(filter: ScanFilter, durationMs = this.timeoutMs): Promise<Advertisement[]> {
    const refusal = this.scanRefusal();
    try {
      return await scanAll(this.loadedNoble.noble, filter, durationMs, refusal.failed);
    } finally {
      refusal.stop();
    }
  }

  /**
   * A live scan: every advertisement goes to `onFound` while `work` runs (a list a person picks from),
   * under the same guard as find() and scan(): a refused LE Set Scan Enable or a transport gone ends it.
   */
  async scanWhile<T>(onFound: (found: Found) => void, work: () => Promise<T>): Promise<T> {
    const refusal = this.scanRefusal();
    try {
      return await scanWhile(this.loadedNoble.noble, onFound, work, refusal.failed);
    } finally {
      refusal.stop();
    }
  }

  /**
   * Fails when the controller refuses LE Set Scan Enable (noble ignores it and never calls back), or
   * when the transport goes away (noble would scan on, hearing nothing, until the time limit).
   */
  private scanRefusal(): { failed: Promise<never>; stop: () => void } {
    const from = this.tap.nextSeq - 1;
    let stop = () => {};
    const failed = new Promise<never>((_, reject) => {
      const onEntry = (e: TimelineEntry) => {
        const status = e.seq > from ? commandRefusal(e, OP.LE_SET_SCAN_ENABLE) : undefined;
        if (status !== undefined) reject(new ControllerRefusedError(OP.LE_SET_SCAN_ENABLE, status, 'noble could not scan'));
      };
      const onClose = (err: TransportError | undefined) => {
        if (err) reject(err);
      };
      this.tap.on('entry', onEntry);
      this.transport.on('close', onClose);
      stop = () => {
        this.tap.off('entry', onEntry);
        this.transport.off('close', onClose);
      };
    });
    failed.catch(() => undefined); // awaited through the scan's race; a refusal after it is not news
    return { failed, stop };
  }

  /** Connect, then apply the policy (`upfront` pairs now). */
  async connect(found: Found, options: ConnectOptions = {}): Promise<CentralConnection> {
    const policy = options.policy ?? this.policy;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const { peripheral, advertisement } = found;
    const from = this.tap.nextSeq - 1;
    try {
      await deadline(peripheral.connectAsync(), { what: `connection to ${advertisement.address}`, timeoutMs, onTimeout: () => peripheral.cancelConnect() });
    } catch (e) {
      if (e instanceof OperationTimeout) throw e;
      const done = this.tap.entries.filter((x) => x.seq > from && isConnectionComplete(x)).at(-1);
      // A refused LE Create Connection (Command Status, e.g. 0x0C, 0x07) never gets a Connection Complete.
      const refusal = this.tap.entries.map((x) => (x.seq > from ? commandRefusal(x, OP.LE_CREATE_CONNECTION) : undefined)).find((x) => x !== undefined);
      const status = refusal ?? done?.fields.status;
      if (typeof status === 'number' && status !== 0) throw new HciError(status, 'connection', `${refusal !== undefined ? 'the controller refused LE Create Connection' : 'connecting'} to ${advertisement.address}`);
      throw new CentralUsageError(`noble could not connect to ${advertisement.address}: ${(e as Error).message}`);
    }
    const link = this.currentLink(advertisement.address);
    const bearer = link && this.loadedNoble.bearer(link.handle);
    if (!link || !bearer) throw new NobleInternalsChanged(`no ATT bearer was taken over for the connection to ${advertisement.address}`);
    const session = this.loadedNoble.smpSession(link.handle);
    const bond = await this.bonds.lookup(link, session);
    const conn = new CentralConnection({
      tap: this.tap,
      link,
      bearer,
      peer: advertisement,
      policy,
      timeoutMs,
      pairingTimeoutMs: Math.max(timeoutMs, this.pairingTimeoutMs),
      disconnectLink: () => peripheral.disconnect(),
      pairedBefore: this.pairedWith.has(advertisement.address),
      ...(bond ? { bond } : {}),
      ...(session ? { session } : {}),
      onKeyMissing: options.onKeyMissing ?? this.onKeyMissing,
      ...((options.cures ?? this.cures) ? { cures: (options.cures ?? this.cures)! } : {}),
      ...((options.mitmRetry ?? this.mitmRetry) ? { mitmRetry: (options.mitmRetry ?? this.mitmRetry)! } : {}),
      forgetBond: async (b) => {
        await this.bonds.store.delete(b.local, b.peer);
      },
      learnt: (k) => this.peerKeys.set(advertisement.address.toLowerCase(), k),
      peerKey: () => this.peerKeys.get(advertisement.address.toLowerCase()),
      gattCache: {
        options: this.gattCache,
        ...(bond?.gattCache ? { kept: bond.gattCache } : {}),
        bonded: async () => (await this.bonds.lookup(link, session)) !== undefined,
        save: async (cache) => {
          const b = await this.bonds.lookup(link, session);
          if (b) await updateBond(this.bonds.store, b.local, b.peer, (kept) => ({ ...kept, gattCache: cache }));
        },
      },
    });
    conn.on('paired', (r) => {
      if (r.result === 'encrypted') this.pairedWith.add(advertisement.address);
    });
    conn.on('databaseChanged', (why) => this.onDatabaseChanged?.(advertisement.address, why));
    // noble's SMP keeps nothing: the keys the peripheral distributes go into the one key store as they
    // arrive (blebench's Security Manager stores its bonds itself).
    if (!session) this.keepNobleBonds(link);
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

  /**
   * What this run learnt of the peer's key for the central's bond: held (encryption with it worked, or a
   * bonded pairing made it), missing (0x06), different (0x3D); undefined when nothing showed it.
   */
  peerKey(address: string): PeerKeyKnowledge | undefined {
    return this.peerKeys.get(address.toLowerCase());
  }

  /**
   * Forget every bond this central keeps (a phone's "Forget This Device" for every device); returns how
   * many. `newIrk`: a new IRK too (a phone reset), which the next bonding distributes.
   */
  async forgetBonds(options: { newIrk?: boolean } = {}): Promise<number> {
    if (options.newIrk && !this.loadedNoble.newIrk()) throw new CentralUsageError("a new IRK needs the central's privacy (--privacy, security-manager: { privacy }): without it each bonding distributes a fresh IRK anyway");
    const all = await this.bonds.store.list();
    for (const b of all) await this.bonds.store.delete(b.local, b.peer);
    this.pairedWith.clear();
    this.peerKeys.clear();
    return all.length;
  }

  describe(filter: ScanFilter): string {
    return describeFilter(filter);
  }

  async close(): Promise<void> {
    await this.loadedNoble.close();
  }

  private keepNobleBonds(link: LinkState): void {
    const tap = this.tap;
    // Every SMP PDU on this link may complete the keys (Encryption Information, Central Identification).
    const onEntry = (e: TimelineEntry) => {
      if (e.layer === 'smp' && e.handle === link.handle && link.connected) void this.bonds.keepFromTap(link).catch(() => undefined);
    };
    const onDisconnect = (l: LinkState) => {
      if (l !== link) return;
      tap.off('entry', onEntry);
      tap.off('disconnect', onDisconnect);
    };
    tap.on('entry', onEntry);
    tap.on('disconnect', onDisconnect);
  }

  private currentLink(address: string): LinkState | undefined {
    return this.tap
      .links()
      .filter((l) => l.connected && l.role === 'central' && l.peerAddress.toLowerCase() === address.toLowerCase())
      .at(-1);
  }
}

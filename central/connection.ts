// One connection to one peripheral: its own GATT client (so nothing lands on a later connection),
// the pairing policy around every request, explicit pairing, notifications, disconnection. Every
// operation ends within its time limit in a value or a typed error (central/errors.ts).
import { EventEmitter } from 'node:events';
import type { AttHandleValue } from '../common/stack/att/index.js';
import type { LinkSecurityState } from '../common/stack/gatt/security-rule.js';
import type { LinkState } from '../common/stack/trace/link-state.js';
import type { Tap } from '../common/stack/trace/tap.js';
import type { Bond } from '../common/stack/smp/bond.js';
import type { LinkSession } from '../common/stack/smp/link-session.js';
import { BearerClosedError, type AttBearer } from './att/att-bearer.js';
import { deadline } from './deadline.js';
import { CentralUsageError, HciError, isCentralError, type CentralError } from './errors.js';
import { GattClient } from './gatt/gatt-client.js';
import { CCCD_BITS } from '../common/stack/gatt/descriptor-types.js';
import { CCCD_UUID } from './gatt/gatt-uuids.js';
import { hasProperty, type DiscoveredCharacteristic, type DiscoveredService } from './gatt/discovered.js';
import { pair } from './pairing/pairer.js';
import { mitmDue, withMitmRetry, type MitmRetry } from './pairing/mitm-retry.js';
import { pairAfter, type EarlierFailure, type PairingPolicy } from './pairing/pairing-policy.js';
import type { PairingReport } from './pairing/pairing-report.js';
import { encryptWithStoredKey, wireLtk } from './pairing/stored-key.js';
import { DEFAULT_KEY_MISSING_POLICY, isKeyMissing, keyMissingNote, peerKeyFrom, type KeyMissingPolicy, type PeerKeyKnowledge } from './pairing/key-missing-policy.js';
import type { Advertisement } from './scan.js';
import { hex } from '../common/base/codes/code-table.js';
import { ATT_ERROR, ATT_OP } from '../common/base/codes/att.js';
import { AttError } from './errors.js';
import { CachedDiscovery, type GattCacheStore } from './gatt/gatt-cache.js';
import { formatUuid } from '../common/base/output/format.js';

/** One try of an operation: what it ended in, and whether the link was encrypted then. */
export interface Attempt {
  encrypted: boolean;
  error?: CentralError;
}

/** What happened while one operation ran: each try, and the pairing between them (on-error). */
export interface OperationRecord {
  attempts: Attempt[];
  pairing?: PairingReport;
  /** The central encrypted with the key kept from an earlier pairing instead of pairing (a bond). */
  encryptedWithStoredKey?: boolean;
  /** Why the central did not pair after an error it could have paired for. */
  noPairing?: string;
  /** The peer had no key for the bond (0x06), and what the key-missing policy did about it. */
  keyMissing?: string;
  /** A second pairing asking for MITM (a persona's `then: pair-with-mitm`, mitm-retry.ts). */
  mitmPairing?: PairingReport;
}

export interface Notification {
  characteristic: DiscoveredCharacteristic;
  value: Buffer;
  indication: boolean;
}

export interface ConnectionOptions {
  tap: Tap;
  link: LinkState;
  bearer: AttBearer;
  peer: Advertisement;
  policy: PairingPolicy;
  timeoutMs: number;
  /** Sends HCI Disconnect for this link (noble's disconnect). */
  disconnectLink: () => void;
  /** How long a pairing may take (default timeoutMs); longer when a Security Manager may wait for a person. */
  pairingTimeoutMs?: number;
  /** A key was made with this peer on an earlier connection of this run (what the peripheral may remember). */
  pairedBefore: boolean;
  /** The bond with this peer, looked up once when the link came up (central-bonds.ts), if any. */
  bond?: Bond;
  /** blebench's Security Manager on this link, when it runs instead of noble's. */
  session?: LinkSession;
  /** When the peer has no key for the bond (0x06): pair again, or stop (key-missing-policy.ts). Default pair. */
  onKeyMissing?: KeyMissingPolicy;
  /** The ATT errors that make the on-error policy pair (a persona's; default 0x05 and 0x0F, pairing-policy.ts). */
  cures?: ReadonlySet<number>;
  /** The ATT errors after which it pairs again asking for MITM (a persona's `then: pair-with-mitm`; mitm-retry.ts). */
  mitmRetry?: ReadonlySet<number>;
  /** Deletes the bond from the central's key store (on-key-missing pair). */
  forgetBond?: (bond: Bond) => Promise<void>;
  /** Told what encryption with the kept key showed of the peer's key (held, missing, different). */
  learnt?: (peerKey: PeerKeyKnowledge) => void;
  /** What this run has learnt so far of the peer's key (undefined: nothing showed it yet). */
  peerKey?: () => PeerKeyKnowledge | undefined;
  /** The GATT cache kept with the bond, and how to use it (central/gatt/gatt-cache.ts); none: discover on every link. */
  gattCache?: GattCacheStore;
}

export type SubscribeKind = 'notify' | 'indicate';

export class CentralConnection extends EventEmitter<{ notification: [Notification]; paired: [PairingReport]; databaseChanged: [string] }> {
  readonly handle: number;
  readonly gatt: GattClient;
  readonly peer: Advertisement;
  /** Every pairing on this link, in order. */
  readonly pairings: PairingReport[] = [];
  private readonly lost: Promise<never>;
  private lostWith: HciError | undefined;
  /** The services, from a discovery or the bond's GATT cache (Vol 3 Part G 2.5.2). */
  private readonly discovery: CachedDiscovery;
  private pairing: Promise<PairingReport> | undefined;
  /** Encryption with the kept key failed on this link (on-error with a bond): not tried again on it. */
  private encryptFailure: CentralError | undefined;
  /** The bond was forgotten on this link (the peer had no key for it, on-key-missing pair). */
  private bondForgotten = false;

  constructor(private readonly o: ConnectionOptions) {
    super();
    this.handle = o.link.handle;
    this.peer = o.peer;
    this.lost = new Promise<never>((_, reject) => {
      const onDisconnect = (l: LinkState) => {
        if (l !== o.link) return;
        o.tap.off('disconnect', onDisconnect);
        this.lostWith = new HciError(l.disconnectReason ?? 0, 'disconnection', l.disconnectedBy === 'local' ? 'this central closed it' : undefined);
        reject(this.lostWith);
      };
      o.tap.on('disconnect', onDisconnect);
      if (!o.link.connected) onDisconnect(o.link);
    });
    this.lost.catch(() => undefined);
    this.gatt = new GattClient(o.bearer, {
      timeoutMs: o.timeoutMs,
      linkLost: () => this.lost,
      explain: (e) => (e instanceof BearerClosedError && this.lostWith ? this.lostWith : e),
    });
    this.discovery = new CachedDiscovery(this.gatt, o.gattCache, (why) => this.emit('databaseChanged', why));
    // A Service Changed indication that came before this object (as the link came up) is on the tap.
    // (Only this link's: a connection handle is reused by later links.)
    for (const e of o.tap.entries) if (e.layer === 'att' && e.dir === 'rx' && e.handle === o.link.handle && e.ms >= o.link.connectedAtMs && e.raw[0] === ATT_OP.HANDLE_VALUE_IND && e.raw.length >= 3) this.discovery.indication(e.raw.readUInt16LE(1), e.raw.subarray(3));
    o.bearer.on('notification', (n) => {
      if (n.indication) this.discovery.indication(n.handle, n.value);
      const c = this.discovery.known?.flatMap((s) => s.characteristics).find((x) => x.valueHandle === n.handle);
      if (c) this.emit('notification', { characteristic: c, value: n.value, indication: n.indication });
    });
    this.on('paired', (r) => {
      if (!r.error) void this.discovery.bondedNow().catch((e: unknown) => this.discovery.notes.push(`the GATT cache could not be kept with the new bond: ${(e as Error).message}`));
    });
  }

  /** What the GATT cache did on this link, in words (used, checked, found stale, kept). */
  get cacheNotes(): readonly string[] {
    return this.discovery.notes;
  }

  get connected(): boolean {
    return this.o.link.connected;
  }

  /** The ATT_MTU agreed on this link (23 until the MTU exchange ends). Vol 3 Part F 3.2.8. */
  get mtu(): number {
    return this.o.bearer.mtu;
  }

  get policy(): PairingPolicy {
    return this.o.policy;
  }

  /** The link's state on the tap (encryption, key size, pairing, disconnection). A live view. */
  get link(): LinkState {
    return this.o.link;
  }

  /** The link's security as common/stack/gatt's checks describe it: authenticated when the key came from a MITM-protected pairing. */
  security(): LinkSecurityState {
    const l = this.o.link;
    // No pairing on this link but encrypted: with the bond's key, as strong as the pairing that made it.
    const mitm = l.pairing?.method !== undefined ? l.pairing.method !== 'Just Works' : !!this.o.bond?.security.authenticated;
    // keyExists is the peer's side (the server answers 0x0F only when it holds a key for this central,
    // Vol 3 Part C 10.3.1): known when this run made a key with it or learnt it on the air; a bond from
    // an earlier run is assumed held until encryption shows otherwise (peerKeyAssumed).
    const peer = this.o.peerKey?.();
    const s: LinkSecurityState = {
      encrypted: l.encrypted,
      authenticated: l.encrypted && mitm,
      keyExists: this.o.pairedBefore || this.pairings.some((p) => p.result === 'encrypted') || peer === 'held' || peer === 'different' || (this.bonded && peer === undefined),
    };
    // The key size agreed in pairing means nothing until a key encrypts the link.
    return l.encrypted && l.keySize !== undefined ? { ...s, keySize: l.keySize } : s;
  }

  /** The seq the tap gives its next entry: where an operation's entries begin (a report links a cell to them). */
  get tapSeq(): number {
    return this.o.tap.nextSeq;
  }

  /** The central keeps a key for this peer, and nothing in this run has shown whether the peer holds its own. */
  peerKeyAssumed(): boolean {
    return this.bonded && !this.o.pairedBefore && !this.pairings.some((p) => p.result === 'encrypted') && this.o.peerKey?.() === undefined;
  }

  /** Primary services, characteristics and descriptors (discovered once per connection, or from the bond's GATT cache). */
  discover(): Promise<DiscoveredService[]> {
    return this.discovery.discover();
  }

  /**
   * `op` on `c`; an 0x12 Database Out Of Sync makes the cache invalid (Vol 3 Part G 2.5.2.1): the
   * database is discovered again and `op` runs once more on the characteristic found there.
   */
  private async resynced<T>(c: DiscoveredCharacteristic, op: (c: DiscoveredCharacteristic) => Promise<T>): Promise<T> {
    try {
      return await op(c);
    } catch (e) {
      if (!(e instanceof AttError && e.attCode === ATT_ERROR.DATABASE_OUT_OF_SYNC)) throw e;
      this.discovery.outOfSync();
      const again = (await this.characteristics()).find((x) => x.uuid === c.uuid && x.serviceUuid === c.serviceUuid);
      if (!again) throw new CentralUsageError(`after Database Out Of Sync the peripheral has no characteristic ${c.uuid} in service ${c.serviceUuid} any more`);
      return op(again);
    }
  }

  async characteristics(): Promise<DiscoveredCharacteristic[]> {
    return (await this.discover()).flatMap((s) => s.characteristics);
  }

  /**
   * Pair now; the report says what went over the air. With blebench's Security Manager and a bond this
   * encrypts with the kept key first (Vol 3 Part H 2.4.4.1); when the peer has none (0x06), the
   * key-missing policy decides: forget the bond and pair again, or stop.
   */
  pair(trigger = 'explicit'): Promise<PairingReport> {
    this.pairing ??= this.pairOnce(trigger, false)
      .then(async (r) => {
        if (!this.o.session || !this.bonded || !r.error) return r;
        // No pairing on the link: the kept key was tried, and its failure says what the peer holds.
        const learnt = this.o.link.pairing ? undefined : peerKeyFrom(r.error);
        if (learnt) this.o.learnt?.(learnt);
        if (!isKeyMissing(r.error)) return r;
        r.notes.push(keyMissingNote(this.onKeyMissing, this.peer.address));
        if (this.onKeyMissing !== 'pair' || !this.o.link.connected) return r;
        this.record(r);
        const trouble = await this.forgetBondHere();
        const again = await this.pairOnce(`${trigger}; again after 0x06 PIN or Key Missing`, true);
        if (trouble) again.notes.push(trouble);
        return again;
      })
      .then((r) => {
        // Encrypted with the kept key (no pairing on this link): the peer holds it.
        if (!r.error && this.bonded && !this.o.link.pairing) this.o.learnt?.('held');
        this.pairing = undefined;
        this.record(r);
        return r;
      });
    return this.pairing;
  }

  private pairOnce(trigger: string, fresh: boolean, mitm = false): Promise<PairingReport> {
    return pair({
      bearer: this.o.bearer,
      tap: this.o.tap,
      link: this.o.link,
      timeoutMs: this.o.pairingTimeoutMs ?? this.o.timeoutMs,
      trigger,
      fresh,
      mitm,
      ...(this.o.session ? { session: this.o.session } : {}),
    });
  }

  private record(r: PairingReport): void {
    this.pairings.push(r);
    this.emit('paired', r);
  }

  /**
   * The peer holds no key for the bond: the central forgets it (on-key-missing pair). A key store that
   * cannot delete it is said in the returned note; the new pairing's bond replaces it anyway.
   */
  private async forgetBondHere(): Promise<string | undefined> {
    this.bondForgotten = true;
    if (!this.o.bond) return undefined;
    try {
      await this.o.forgetBond?.(this.o.bond);
      return undefined;
    } catch (e) {
      return `the old bond could not be deleted from the key store: ${(e as Error).message}`;
    }
  }

  /** Whether this central held a key from an earlier pairing with this peer when the link came up (it is bonded). */
  get bonded(): boolean {
    return this.o.bond?.peerLtk !== undefined && !this.bondForgotten;
  }

  /** What the central does when the peer has no key for its bond. */
  get onKeyMissing(): KeyMissingPolicy {
    return this.o.onKeyMissing ?? DEFAULT_KEY_MISSING_POLICY;
  }

  /** The bond found when the link came up. */
  get bond(): Bond | undefined {
    return this.o.bond;
  }

  /** Encrypt the link with the key kept from an earlier pairing (no pairing); throws HciError 0x06 when the peer has no such key. */
  async encrypt(): Promise<void> {
    const ltk = this.o.bond?.peerLtk;
    if (!ltk) throw new CentralUsageError(`no key kept for ${this.peer.address}: pair first (with --keys FILE the bond outlives this run)`);
    const error = await encryptWithStoredKey({ bearer: this.o.bearer, tap: this.o.tap, link: this.o.link, key: wireLtk(ltk), timeoutMs: this.o.timeoutMs });
    const learnt = peerKeyFrom(error);
    if (learnt) this.o.learnt?.(learnt);
    if (error) throw error;
  }

  read(c: DiscoveredCharacteristic, record?: OperationRecord): Promise<Buffer> {
    return this.resynced(c, (x) => this.withPolicy(record, () => this.gatt.read(x.valueHandle, `Read Request for ${formatUuid(x.uuid)}`)));
  }

  /** Read Using Characteristic UUID over start..end (Vol 3 Part G 4.8.2), under the pairing policy; see GattClient. */
  readUsingCharacteristicUuid(start: number, end: number, uuid: string, record?: OperationRecord): Promise<readonly AttHandleValue[]> {
    return this.withPolicy(record, () => this.gatt.readUsingCharacteristicUuid(start, end, uuid));
  }

  write(c: DiscoveredCharacteristic, value: Buffer, record?: OperationRecord): Promise<void> {
    return this.resynced(c, (x) => this.withPolicy(record, () => this.gatt.write(x.valueHandle, value, `Write Request to ${formatUuid(x.uuid)}`)));
  }

  writeWithoutResponse(c: DiscoveredCharacteristic, value: Buffer, record?: OperationRecord): Promise<void> {
    return this.withPolicy(record, () => this.gatt.writeWithoutResponse(c.valueHandle, value, `Write Command to ${formatUuid(c.uuid)}`));
  }

  readDescriptor(handle: number, record?: OperationRecord): Promise<Buffer> {
    return this.withPolicy(record, () => this.gatt.read(handle, `Read Request for descriptor ${hex(handle, 4)}`));
  }

  writeDescriptor(handle: number, value: Buffer, record?: OperationRecord): Promise<void> {
    return this.withPolicy(record, () => this.gatt.write(handle, value, `Write Request to descriptor ${hex(handle, 4)}`));
  }

  /** Write the CCCD: notifications (0x0001) or indications (0x0002) on. Vol 3 Part G 4.10, 4.11. */
  subscribe(c: DiscoveredCharacteristic, kind: SubscribeKind = hasProperty(c, 'notify') ? 'notify' : 'indicate', record?: OperationRecord): Promise<void> {
    return this.writeCccd(c, kind === 'notify' ? CCCD_BITS.notification : CCCD_BITS.indication, record);
  }

  /** Write 0x0000 to the CCCD. */
  unsubscribe(c: DiscoveredCharacteristic, record?: OperationRecord): Promise<void> {
    return this.writeCccd(c, CCCD_BITS.none, record);
  }

  /** The next notification or indication of `c`, within the time limit. */
  nextNotification(c: DiscoveredCharacteristic, timeoutMs = this.o.timeoutMs): Promise<Notification> {
    let listener: ((n: Notification) => void) | undefined;
    const next = new Promise<Notification>((resolve) => {
      listener = (n) => {
        if (n.characteristic.valueHandle === c.valueHandle) resolve(n);
      };
      this.on('notification', listener);
    });
    return deadline(next, { what: `notification from ${formatUuid(c.uuid)}`, timeoutMs, linkLost: this.lost }).finally(() => this.off('notification', listener!));
  }

  /** HCI Disconnect, then the Disconnection Complete (its reason is on `link`). */
  async disconnect(): Promise<void> {
    if (!this.o.link.connected) return;
    this.o.disconnectLink();
    await deadline(this.lost, { what: 'disconnection', timeoutMs: this.o.timeoutMs }).catch((e) => {
      if (!(e instanceof HciError)) throw e;
    });
  }

  private writeCccd(c: DiscoveredCharacteristic, bits: number, record?: OperationRecord): Promise<void> {
    const cccd = c.descriptors.find((d) => d.uuid === CCCD_UUID);
    if (!cccd) return Promise.reject(new CentralUsageError(`${formatUuid(c.uuid)} has no Client Characteristic Configuration descriptor (0x2902) to write`));
    const value = Buffer.alloc(2);
    value.writeUInt16LE(bits);
    return this.resynced(c, (x) => {
      const d = x.descriptors.find((y) => y.uuid === CCCD_UUID) ?? cccd;
      return this.withPolicy(record, () => this.gatt.write(d.handle, value, `Write Request to the CCCD of ${formatUuid(x.uuid)}`));
    });
  }

  /** The first failed attempt on this link to raise its security: a pairing (any trigger) or encryption with the kept key. */
  private earlierFailure(): EarlierFailure | undefined {
    const failed = this.pairings.find((p) => p.error);
    if (failed?.error) return { what: 'pairing', error: failed.error };
    return this.encryptFailure ? { what: 'encryption with the kept key', error: this.encryptFailure } : undefined;
  }

  /** The pairing policy around one operation: on-error pairs after 0x05/0x0F and re-sends once. */
  private async withPolicy<T>(record: OperationRecord | undefined, op: () => Promise<T>): Promise<T> {
    const rec = record ?? { attempts: [] };
    const tryOnce = async (): Promise<T> => {
      const encrypted = this.o.link.encrypted;
      try {
        const v = await op();
        rec.attempts.push({ encrypted });
        return v;
      } catch (e) {
        rec.attempts.push(isCentralError(e) ? { encrypted, error: e } : { encrypted });
        throw e;
      }
    };
    try {
      return await tryOnce();
    } catch (e) {
      const decision = pairAfter(this.o.policy, e, this.o.link, this.earlierFailure(), this.o.cures);
      // Already encrypted with an unauthenticated key: re-sent as it is, then the MITM pairing (Android's two retries).
      if (!decision.pair && this.o.policy === 'on-error' && mitmDue(this.mitm, e, rec)) return withMitmRetry(this.mitm, rec, tryOnce);
      if (!decision.pair) {
        if (isCentralError(e) && e.kind === 'att') rec.noPairing = decision.why;
        throw e;
      }
      const err = e as CentralError;
      if (this.bonded) {
        // A bond: encrypt with the stored key first (Vol 3 Part C 10.3.2); a peer without the key (0x06)
        // gets a new pairing or none, as the key-missing policy says.
        rec.encryptedWithStoredKey = true;
        const error = await this.encrypt().then(
          () => undefined,
          (x: unknown) => x,
        );
        if (error === undefined) return tryOnce();
        const again = isKeyMissing(error) && this.onKeyMissing === 'pair' && this.o.link.connected;
        if (isKeyMissing(error)) rec.keyMissing = keyMissingNote(this.onKeyMissing, this.peer.address);
        if (!again) {
          if (isCentralError(error)) this.encryptFailure = error;
          throw error;
        }
        const trouble = await this.forgetBondHere();
        const report = await this.pairOnce(`on-error: ${err.label}; again after 0x06 PIN or Key Missing`, true);
        if (trouble) report.notes.push(trouble);
        this.record(report);
        rec.pairing = report;
        if (report.error) throw report.error;
        return tryOnce();
      }
      const report = await this.pair(`on-error: ${err.label}`);
      rec.pairing = report;
      if (report.error) throw report.error;
      return withMitmRetry(this.mitm, rec, tryOnce);
    }
  }

  private get mitm(): MitmRetry {
    return { errors: this.o.mitmRetry, link: this.o.link, session: this.o.session, pair: (trigger) => this.pairOnce(trigger, false, true).then((r) => (this.record(r), r)) };
  }
}

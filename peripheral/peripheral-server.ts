// servePeripheral: a resolved profile served by the peripheral's own ATT server (peripheral/att/) over
// bleno's HCI, advertising, connections and L2CAP, with the project's security decisions, per-central
// CCCDs, confirmed indications, and the runtime actions scenarios and consoles use. Every request is
// an event and a line in the log.
import { describeSharedIrk } from '../common/stack/smp/link-session.js';
import { EventEmitter } from 'node:events';
import { HCI_STATUS } from '../common/base/codes/hci.js';
import { CCCD_BITS, OPEN, MIN_KEY_SIZE, type GattOperation, type ResolvedProfile, type SecurityLevel, type SecurityRequirement } from '../common/stack/gatt/index.js';
import type { HciTransport } from '../common/stack/hci/transport.js';
import { silentLogger, type Logger } from '../common/base/log/logger.js';
import type { KeyStore } from '../common/stack/smp/key-store.js';
import type { LinkState } from '../common/stack/trace/link-state.js';
import { waitForEvent } from '../common/base/util/wait.js';
import { AttServer } from './att/att-server.js';
import { PeripheralError } from './peripheral-error.js';
import { RuntimeAnswers } from './answers/runtime-answers.js';
import { AttributeTable } from './att/attribute-table.js';
import { loadBleno, type LoadedBleno } from './bleno/index.js';
import { IndicationQueues } from './gatt/indication-queues.js';
import { CentralLinks } from './central-links.js';
import { PairingRefusals } from './answers/pairing-refusals.js';
import { startAdvertising } from './bleno/advertising.js';
import { centralIdentityOf, storedKey } from './pairing/link-security.js';
import { GattCaching } from './gatt/gatt-caching.js';
import { indicateCentrals, notifyCentrals, type DeliveryContext } from './gatt/delivery.js';
import { keptBonds, keyFactsOfSession, SecurityRecords, type KeptBond } from './pairing/security-record.js';
import { describeRequest, type RequestRecord } from './answers/request-record.js';
import { changeSecurity, type AttributeMap, type ServedCharacteristic, type ServedDescriptor } from './gatt/served-profile.js';
import {
  BLENO_LIMITS,
  limitsFor,
  type AnswerOperation,
  type AnswerOptions,
  type DelayOperation,
  type Delivery,
  type DisconnectInfo,
  type PeripheralEvents,
  type RefusalOptions,
  type ServedHandlesInfo,
  type ServePeripheralOptions,
  type SubscriptionInfo,
} from './server-types.js';
import { Subscriptions } from './gatt/subscriptions.js';

export { PeripheralError };

const DEFAULT_TIMEOUT_MS = 5000;

export async function servePeripheral(options: ServePeripheralOptions): Promise<PeripheralServer> {
  const loaded = await loadBleno(options.transport, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(options.smp ? { smp: options.smp } : {}), ...(options.maxCentrals !== undefined ? { maxCentrals: options.maxCentrals } : {}) });
  try {
    const server = new PeripheralServer(loaded, options);
    await server.start(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return server;
  } catch (err) {
    await loaded.close();
    throw err;
  }
}

export class PeripheralServer extends EventEmitter<PeripheralEvents> {
  /** The profile served now (updateFirmware replaces it). */
  profile: ResolvedProfile;
  readonly name: string;
  readonly transport: HciTransport;
  private readonly log: Logger;
  private readonly subs = new Subscriptions();
  private readonly indications: IndicationQueues;
  private readonly delivery: DeliveryContext;
  private readonly timers = new Set<NodeJS.Timeout>();
  private table: AttributeTable;
  private map: AttributeMap;
  /** Service Changed, change-awareness and what is kept per bonded central (Vol 3 Part G 2.5.2). */
  private readonly caching: GattCaching;
  private readonly att: AttServer;
  /** One security record per link: the ATT server's access checks and the pairing report read it. */
  private readonly records = new SecurityRecords();
  private authorized: boolean;
  private readonly refusals: PairingRefusals;
  private readonly links: CentralLinks;
  private readonly runtime: RuntimeAnswers;
  private closed = false;
  private readonly ownSmp: boolean;
  /** The Security Manager's key store (bonds by identity), when it has one. */
  private readonly smpKeyStore: KeyStore | undefined;
  /** The Security Manager runs with privacy (an RPA from its IRK). */
  private readonly privacy: boolean;

  constructor(
    private readonly loaded: LoadedBleno,
    options: ServePeripheralOptions,
  ) {
    super();
    this.profile = options.profile;
    this.transport = options.transport;
    this.name = options.name ?? options.profile.advertising.localName;
    this.log = options.logger ?? silentLogger();
    this.authorized = options.authorized ?? false;
    this.ownSmp = options.smp !== undefined;
    this.smpKeyStore = options.smp?.keyStore;
    this.privacy = options.smp?.privacy !== undefined;
    this.indications = new IndicationQueues(options.indicationTimeoutMs);
    this.runtime = new RuntimeAnswers(this.log);
    this.refusals = new PairingRefusals(this.log);
    this.table = new AttributeTable(this.profile, this.name);
    this.map = this.table.map;
    const self = this;
    // Each connection's ATT context: its own central's security, CCCDs, confirmations and signing key;
    // the table read when used (a firmware update replaces it).
    this.att = new AttServer(
      (h) => ({
        get table() {
          return self.table;
        },
        log: this.log,
        link: () => this.linkState(h),
        record: (r) => this.record(h, r),
        cccdBits: (name) => this.subs.value(h, name),
        cccdWritten: (d, bits) => this.cccdWritten(h, d, bits),
        chosenAnswer: (name, operation) => this.runtime.chosenAnswer(name, operation),
        delayFor: (name, operation) => this.runtime.delayFor(name, operation),
        confirmation: () => {
          if (!this.indications.of(h).confirm()) this.log.warn({ handle: h }, 'a Handle Value Confirmation arrived with no indication outstanding');
        },
        signingKey: () => this.loaded.smpSession(h)?.bond?.peerCsrk,
      }),
      (handle, pdu) => this.loaded.sendAtt(handle, pdu),
    );
    this.caching = new GattCaching({
      log: this.log,
      store: this.smpKeyStore,
      att: this.att,
      indications: (h) => this.indications.of(h),
      table: () => this.table,
      identityOf: (peer) => centralIdentityOf(this.transport, this.loaded, peer),
      bonded: (peer) => storedKey(this.transport, this.loaded, peer) !== undefined,
    });
    this.links = new CentralLinks({
      transport: this.transport,
      loaded: this.loaded,
      subs: this.subs,
      att: this.att,
      records: this.records,
      indications: this.indications,
      log: this.log,
      authorized: () => this.authorized,
      emit: (event, ...args) => void (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args),
      caching: this.caching,
    });
    this.delivery = {
      centrals: () => this.centrals,
      subs: this.subs,
      security: (h) => this.linkState(h),
      send: (h, pdu) => this.att.sendPdu(h, pdu),
      mtu: (h) => this.att.mtu(h),
      indications: (h) => this.indications.of(h),
      blocked: (h) => this.caching.blocked(this.att.connection(h)),
      log: this.log,
    };
  }

  /** The peripheral's own address (bleno's, from Read BD_ADDR). */
  get address(): string {
    return this.loaded.bleno.address;
  }

  /** The central connected last, as the tap saw it (see `centrals` for every one). */
  get central(): LinkState | undefined {
    const h = this.loaded.connectionHandle();
    return h === undefined ? undefined : this.transport.tap.link(h);
  }

  /** Every central connected now, oldest first, as the tap saw them. */
  get centrals(): LinkState[] {
    return this.loaded.connectionHandles().flatMap((h) => {
      const l = this.transport.tap.link(h);
      return l?.connected ? [l] : [];
    });
  }

  /** How many centrals are served at once: advertising stays off while this many are connected. */
  get maxCentrals(): number {
    return this.loaded.maxCentrals;
  }

  /** @internal */
  async start(timeoutMs: number): Promise<void> {
    await this.caching.load();
    this.loaded.setAttChannel((handle, pdu) => {
      this.att.receive(handle, pdu);
      const l = this.transport.tap.link(handle);
      if (l) this.caching.spoke(handle, l.peerAddress);
    });
    // The security record's writers: the Security Manager's outcomes, the kernel share's key hand-over.
    this.loaded.onSmpSession((handle, session) => {
      session.on('outcome', (o) => {
        if ((o.result === 'paired' || o.result === 'encrypted') && session.security) this.records.keyInUse(handle, keyFactsOfSession(session.security));
      });
      session.on('bond', (b) => this.links.refreshStored(b.peer.address));
      session.on('sharedIrk', (s) => this.log.warn({ sharedIrk: s }, describeSharedIrk(s)));
    });
    this.links.watch();
    this.loaded.setPairingGate(() => this.refusals.take());
    // With blebench's Security Manager, authenticated operations can be satisfied: that limit is gone.
    for (const limit of limitsFor(this.profile)) if (!(this.ownSmp && (limit === 'legacyJustWorks' || limit === 'signedWrites'))) this.log.warn({ limit }, `profile "${this.profile.name}": ${BLENO_LIMITS[limit]}`);
    await startAdvertising(this.loaded, this.name, this.profile.advertising.serviceUuids, timeoutMs);
    this.links.watchAdvertising();
    this.log.info({ profile: this.profile.name, name: this.name, address: this.address }, `serving profile "${this.profile.name}" and advertising as "${this.name}"`);
  }

  /** Where a characteristic is served: its declaration, value and descriptor handles. */
  handles(name: string): ServedHandlesInfo {
    const c = this.need(name);
    return {
      declaration: c.declarationHandle,
      value: c.valueHandle,
      ...(c.cccd ? { cccd: c.cccd.handle } : {}),
      descriptors: c.descriptors.map((d) => ({ name: d.def.name, kind: d.def.kind, uuid: d.def.uuid, handle: d.handle })),
    };
  }

  /** The CCCD value a connected central (by address; default the one connected last) set for a characteristic (0 when none). */
  subscription(name: string, central?: string): number {
    this.need(name);
    const l = central === undefined ? this.central : this.centralByAddress(central);
    return l ? this.subs.value(l.handle, name) : 0;
  }

  /** The value served now (a copy). */
  value(name: string): Buffer {
    return Buffer.from(this.need(name).value);
  }

  /** Sets the value (copied); the next read, notification or indication serves it. Constraints are the central's, not the app's. */
  setValue(name: string, value: Buffer): void {
    this.need(name).value = Buffer.from(value);
  }

  /**
   * Notify now every connected central (or only `options.central`, by address) that subscribed and
   * whose link's security is enough for notify; the others are in `notTo` with why.
   */
  notify(name: string, value?: Buffer, options: { central?: string } = {}): Delivery {
    const c = this.need(name);
    if (!c.def.properties.notify) throw new PeripheralError(`"${name}" cannot notify (no notify property)`);
    if (value) this.setValue(name, value);
    return notifyCentrals(this.delivery, c, options.central);
  }

  /** Indicate now, as notify does; resolves when every central it went to confirmed, or with the reason one did not (timeout, link lost). */
  async indicate(name: string, value?: Buffer, options: { central?: string } = {}): Promise<Delivery> {
    const c = this.need(name);
    if (!c.def.properties.indicate) throw new PeripheralError(`"${name}" cannot indicate (no indicate property)`);
    if (value) this.setValue(name, value);
    return indicateCentrals(this.delivery, c, options.central);
  }

  /** Notifies every `ms` (the value `next` makes from the last one, or the same); returns the stop function. */
  notifyEvery(name: string, ms: number, next?: (previous: Buffer) => Buffer): () => void {
    this.need(name);
    const timer = setInterval(() => this.notify(name, next?.(this.value(name))), ms);
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  /** Changes what one operation needs from now on (a level, or a full requirement). */
  setSecurity(name: string, operation: GattOperation, requirement: SecurityLevel | SecurityRequirement): void {
    const req = typeof requirement === 'string' ? (requirement === 'none' ? OPEN : { level: requirement, minKeySize: MIN_KEY_SIZE }) : requirement;
    changeSecurity(this.need(name), operation, req);
    this.log.info({ characteristic: name, operation, level: req.level }, `"${name}" ${operation} now needs ${req.level}`);
  }

  /** The application's answer for `authorized` operations from now on. */
  setAuthorization(granted: boolean): void {
    this.authorized = granted;
  }

  /**
   * HCI Disconnect with a reason (default 0x13 Remote User Terminated Connection) on every link, or on
   * `central`'s only (by address); resolves when those links are down.
   */
  async disconnect(reason: number = HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION, timeoutMs = DEFAULT_TIMEOUT_MS, central?: string): Promise<void> {
    const links = central === undefined ? this.centrals : [this.centralByAddress(central)].filter((l): l is LinkState => l !== undefined);
    if (links.length === 0) return;
    const gone = links.map((l) => waitForEvent<[DisconnectInfo]>(this, 'disconnect', { what: `central ${l.peerAddress} to disconnect`, timeoutMs, pred: (d) => d.handle === l.handle }));
    for (const l of links) this.loaded.disconnect(reason, l.handle);
    await Promise.all(gone);
  }

  /** The keys kept for centrals where the transport does the kernel's share; undefined where the kernel keeps them. */
  bonds(): KeptBond[] | undefined {
    const share = this.transport.kernelShare;
    return share ? keptBonds(share.longTermKeys) : undefined;
  }

  /**
   * Forgets every key (bleno's list and what it loaded below, and the Security Manager's key store: a
   * factory reset) and every bonded central's stored CCCDs. A bonded central's next encryption meets
   * an LTK Negative Reply (Encryption Change 0x06 at the central, Vol 6 Part B 5.1.3.1).
   */
  async forgetBonds(options: { newIdentity?: 'fresh' | 'same-irk' } = {}): Promise<void> {
    // Checked first: a reset that cannot take a new identity changes nothing.
    if (options.newIdentity && !this.privacy) throw new PeripheralError("a new identity needs the peripheral's privacy (--privacy, security-manager: { privacy }): without it the identity is the controller's public address, which no reset changes");
    this.loaded.forgetKeys();
    this.subs.forgetBonded();
    this.caching.forget();
    const store = this.smpKeyStore;
    if (store) for (const b of await store.list()) await store.delete(b.local, b.peer);
    const identity = options.newIdentity && this.loaded.newIdentity(options.newIdentity === 'same-irk');
    this.log.info(identity ? { identity } : {}, identity ? `forgot every bond and took a new identity ${identity.address} (random static)${options.newIdentity === 'same-irk' ? ' with the same IRK' : ' and a new IRK'}: the next central pairs again` : 'forgot every bond: the next central pairs again');
  }

  /**
   * A firmware update: the peripheral restarts (a connected central is disconnected, 0x13) serving
   * another profile, its bonds kept. `serviceChanged: false` is a firmware built without Service Changed
   * (and so without Database Hash and robust caching): nothing tells a caching central. With it, each
   * bonded central whose last-known Database Hash differs is change-unaware when it comes back and, if it
   * enabled Service Changed, gets it indicated (Vol 3 Part G 2.5.2, 7.1). Resolves with the new hash.
   */
  async updateFirmware(profile: ResolvedProfile, options: { serviceChanged?: boolean } = {}): Promise<Buffer> {
    await this.disconnect();
    const before = this.table.databaseHash;
    this.table = new AttributeTable(profile, this.name, { serviceChanged: options.serviceChanged ?? true });
    this.map = this.table.map;
    this.profile = profile;
    this.att.databaseChanged();
    const changed = !before.equals(this.table.databaseHash);
    this.log.info({ profile: profile.name, serviceChanged: options.serviceChanged ?? true }, `firmware updated: serving profile "${profile.name}" (Database Hash ${changed ? 'changed' : 'unchanged'}${options.serviceChanged === false ? '; no Service Changed characteristic' : ''})`);
    return Buffer.from(this.table.databaseHash);
  }

  /** The Database Hash of the database served now, as the characteristic serves it. Vol 3 Part G 7.3. */
  get databaseHash(): Buffer {
    return Buffer.from(this.table.databaseHash);
  }

  /** The next Pairing Request is answered Pairing Failed with this reason (Vol 3 Part H 3.5.5), e.g. SMP_REASON.PAIRING_NOT_SUPPORTED. */
  refuseNextPairing(reason: number): void {
    this.refusePairing(reason, { times: 1 });
  }

  /**
   * The next `times` Pairing Requests (default 'always': every one until acceptPairing) are answered
   * Pairing Failed with this reason (Vol 3 Part H 3.5.5). Replaces any refusal set before.
   */
  refusePairing(reason: number, options: RefusalOptions = {}): void {
    this.refusals.refuse(reason, options);
  }

  /**
   * Sends a Security Request to the connected central (Vol 3 Part H 2.4.6): it pairs, or encrypts with
   * its stored key. Needs the peripheral's own Security Manager (the `smp` option); false without it or a link.
   */
  requestSecurity(central?: string): boolean {
    const l = central === undefined ? undefined : this.centralByAddress(central);
    if (central !== undefined && !l) return false;
    return this.loaded.requestSecurity(l?.handle);
  }

  /** Pairing Requests are answered by bleno's SMP again (clears refusePairing/refuseNextPairing). */
  acceptPairing(): void {
    this.refusals.accept();
  }

  /**
   * Answer this operation on this characteristic with this ATT Error Response (Vol 3 Part F 3.4.1.1),
   * e.g. 0x0E Unlikely Error, from the nth request on (options; default every one); null clears it.
   * Precedence (peripheral/answers/access-policy.ts): the property checks first (no read property: 0x02 still),
   * then this code instead of the security decision (the profile's errorOverride, which only changes
   * a failed security check's code, is not reached), and the value's constraints are not checked.
   * `read` covers Read, Read Blob, Read By Type and Read Multiple; `write` Write and Prepare Write;
   * `writeWithoutResponse` drops the Write Command (a command is never answered); `subscribe` is any
   * write of the CCCD. Counting starts at this call.
   */
  answerWith(name: string, operation: AnswerOperation, code: number | null, options: AnswerOptions = {}): void {
    this.runtime.answerWith(this.need(name), operation, code, options);
  }

  /**
   * Hold the answers to this operation on this characteristic ('*': every characteristic / every
   * operation of read, write, subscribe) for `ms` (0 clears that rule), at most MAX_ANSWER_DELAY_MS.
   * The most specific rule wins (name+operation, then name+'*', '*'+operation, '*'+'*'). Answers
   * leave in the order of the requests; a disconnection drops what is held (held-answers.ts).
   */
  delayAnswers(name: string, operation: DelayOperation | '*', ms: number): void {
    if (name !== '*') this.need(name);
    this.runtime.delayAnswers(name, operation, ms);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    this.att.closeAll();
    this.indications.closeAll('the peripheral is closing');
    this.links.unwatch();
    await this.loaded.close();
  }

  private need(name: string): ServedCharacteristic {
    const c = this.map.characteristic(name);
    if (!c) throw new PeripheralError(`profile "${this.profile.name}" has no characteristic "${name}"; it has: ${this.map.characteristics().map((x) => x.def.name).join(', ')}`);
    return c;
  }

  private linkState(handle: number) {
    return this.records.state(this.transport.tap.link(handle)?.connected ? handle : undefined, this.authorized);
  }

  private centralByAddress(address: string): LinkState | undefined {
    return this.centrals.find((l) => l.peerAddress.toUpperCase() === address.toUpperCase());
  }


  private record(handle: number, r: Omit<RequestRecord, 'central'>): void {
    const full: RequestRecord = { central: this.transport.tap.link(handle)?.peerAddress, connection: handle, ...r };
    const line = describeRequest(full);
    if (full.outcome.ok) this.log.info({ request: full.request, characteristic: full.characteristic, handle: full.handle }, line);
    else this.log.warn({ request: full.request, characteristic: full.characteristic, handle: full.handle, attError: full.outcome.attError }, line);
    this.emit('request', full);
  }

  private cccdWritten(handle: number, d: ServedDescriptor, bits: number): void {
    const name = d.characteristic.def.name;
    const before = this.subs.value(handle, name);
    this.subs.set(handle, name, bits);
    const info: SubscriptionInfo = { central: this.transport.tap.link(handle)?.peerAddress, handle, characteristic: name, bits, notifications: (bits & CCCD_BITS.notification) !== 0, indications: (bits & CCCD_BITS.indication) !== 0 };
    if (bits !== 0) this.emit('subscribe', info);
    else if (before !== 0) this.emit('unsubscribe', info);
  }
}

// servePeripheral: a resolved profile served by the peripheral's own ATT server (peripheral/att/) over
// bleno's HCI, advertising, connections and L2CAP, with the project's security decisions, per-central
// CCCDs, confirmed indications, and the runtime actions scenarios and consoles use. Every request is
// an event and a line in the log.
import { describeSharedIrk } from '../common/stack/smp/link-session.js';
import { peerAddressLine } from '../common/stack/trace/address-line.js';
import { EventEmitter } from 'node:events';
import { ATT_OP } from '../common/base/codes/att.js';
import { HCI_STATUS, OP } from '../common/base/codes/hci.js';
import { SMP_CODE, smpReason } from '../common/base/codes/smp.js';
import { CCCD_BITS, checkSecurity, OPEN, MIN_KEY_SIZE, type GattOperation, type ResolvedProfile, type SecurityLevel, type SecurityRequirement } from '../common/stack/gatt/index.js';
import { commandRefusal, ControllerRefusedError } from '../common/stack/hci/command-refusal.js';
import type { HciTransport } from '../common/stack/hci/transport.js';
import { silentLogger, type Logger } from '../common/base/log/logger.js';
import type { KeyStore } from '../common/stack/smp/key-store.js';
import type { LinkState } from '../common/stack/trace/link-state.js';
import type { TimelineEntry } from '../common/stack/trace/timeline.js';
import { TimeoutError, waitForEvent } from '../common/base/util/wait.js';
import { codeText } from './answers/access-policy.js';
import { AttServer } from './att/att-server.js';
import { PeripheralError } from './peripheral-error.js';
import { RuntimeAnswers } from './answers/runtime-answers.js';
import { AttributeTable } from './att/attribute-table.js';
import { loadBleno, type LoadedBleno } from './bleno/index.js';
import { Indications } from './gatt/indications.js';
import { storedKey } from './pairing/link-security.js';
import { keptBonds, keyFactsOf, keyFactsOfSession, SecurityRecords, type KeptBond } from './pairing/security-record.js';
import { describeRequest, type RequestRecord } from './answers/request-record.js';
import { changeSecurity, type AttributeMap, type ServedCharacteristic, type ServedDescriptor } from './gatt/served-profile.js';
import {
  BLENO_LIMITS,
  limitsFor,
  type AnswerOperation,
  type AnswerOptions,
  type DelayOperation,
  type Delivery,
  type PeripheralEvents,
  type RefusalOptions,
  type ServedHandlesInfo,
  type ServePeripheralOptions,
  type SubscriptionInfo,
} from './server-types.js';
import { Subscriptions } from './gatt/subscriptions.js';
import { hex } from '../common/base/codes/code-table.js';

export { PeripheralError };

const DEFAULT_TIMEOUT_MS = 5000;

export async function servePeripheral(options: ServePeripheralOptions): Promise<PeripheralServer> {
  const loaded = await loadBleno(options.transport, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(options.smp ? { smp: options.smp } : {}) });
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
  readonly profile: ResolvedProfile;
  readonly name: string;
  readonly transport: HciTransport;
  private readonly log: Logger;
  private readonly subs = new Subscriptions();
  private readonly indications: Indications;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly table: AttributeTable;
  private readonly map: AttributeMap;
  private readonly att: AttServer;
  /** One security record per link: the ATT server's access checks and the pairing report read it. */
  private readonly records = new SecurityRecords();
  private authorized: boolean;
  private refusal: { readonly reason: number; left: number | 'always' } | undefined;
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
    this.indications = new Indications(options.indicationTimeoutMs);
    this.runtime = new RuntimeAnswers(this.log);
    this.table = new AttributeTable(this.profile, this.name);
    this.map = this.table.map;
    this.att = new AttServer(
      {
        table: this.table,
        log: this.log,
        link: () => this.linkState(),
        record: (r) => this.record(r),
        cccdBits: (name) => this.subs.value(name),
        cccdWritten: (d, bits) => this.cccdWritten(d, bits),
        chosenAnswer: (name, operation) => this.runtime.chosenAnswer(name, operation),
        delayFor: (name, operation) => this.runtime.delayFor(name, operation),
        confirmation: () => {
          if (!this.indications.confirm()) this.log.warn('a Handle Value Confirmation arrived with no indication outstanding');
        },
        signingKey: () => this.loaded.smpSession()?.bond?.peerCsrk,
      },
      (handle, pdu) => this.loaded.sendAtt(handle, pdu),
    );
  }

  /** The peripheral's own address (bleno's, from Read BD_ADDR). */
  get address(): string {
    return this.loaded.bleno.address;
  }

  /** The central connected now, as the tap saw it. */
  get central(): LinkState | undefined {
    const h = this.loaded.connectionHandle();
    return h === undefined ? undefined : this.transport.tap.link(h);
  }

  /** @internal */
  async start(timeoutMs: number): Promise<void> {
    const { bleno } = this.loaded;
    const emitter = bleno as unknown as NodeJS.EventEmitter;
    this.loaded.setAttChannel((handle, pdu) => this.att.receive(handle, pdu));
    // The security record's writers: the Security Manager's outcomes, the kernel share's key hand-over.
    this.loaded.onSmpSession((handle, session) => {
      session.on('outcome', (o) => {
        if ((o.result === 'paired' || o.result === 'encrypted') && session.security) this.records.keyInUse(handle, keyFactsOfSession(session.security));
      });
      session.on('bond', (b) => this.refreshStored(b.peer.address));
      session.on('sharedIrk', (s) => this.log.warn({ sharedIrk: s }, describeSharedIrk(s)));
    });
    this.transport.kernelShare?.on('ltk', this.onKernelLtk);
    this.transport.kernelShare?.on('keys', this.onKernelKeys);
    this.loaded.setPairingGate(() => this.takeRefusal());
    const tap = this.transport.tap;
    tap.on('link', this.onLink);
    tap.on('disconnect', this.onDisconnect);
    tap.on('pairing', this.onPairing);
    tap.on('encryption', this.onEncryption);
    // With blebench's Security Manager, authenticated operations can be satisfied: that limit is gone.
    for (const limit of limitsFor(this.profile)) if (!(this.ownSmp && (limit === 'legacyJustWorks' || limit === 'signedWrites'))) this.log.warn({ limit }, `profile "${this.profile.name}": ${BLENO_LIMITS[limit]}`);
    // bleno reports a refused LE Set Advertising Enable as 'advertisingStartError', never calling back
    // startAdvertising: both end the wait, and the refusal is named from the tap (HCI status and name).
    const from = tap.entries.at(-1)?.seq ?? -1;
    const started = waitForEvent<[Error | null | undefined]>(emitter, 'advertisingStart', { what: 'bleno to start advertising', timeoutMs, rejectOn: ['advertisingStartError'] });
    bleno.startAdvertising(this.name, [...this.profile.advertising.serviceUuids]);
    const [err] = await started.catch((e: unknown) => {
      const refused = tap.entries.find((x) => x.seq > from && commandRefusal(x, OP.LE_SET_ADVERTISING_ENABLE) !== undefined);
      if (refused) throw new ControllerRefusedError(OP.LE_SET_ADVERTISING_ENABLE, commandRefusal(refused, OP.LE_SET_ADVERTISING_ENABLE)!, 'bleno could not start advertising');
      throw e instanceof TimeoutError ? e : new PeripheralError(`bleno could not start advertising: ${(e as Error).message}`, 'ADVERTISING_FAILED', { cause: e });
    });
    if (err) throw new PeripheralError(`bleno could not start advertising: ${err.message}`, 'ADVERTISING_FAILED', { cause: err });
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

  /** The CCCD value the connected central set for a characteristic (0 when none). */
  subscription(name: string): number {
    this.need(name);
    return this.subs.value(name);
  }

  /** The value served now (a copy). */
  value(name: string): Buffer {
    return Buffer.from(this.need(name).value);
  }

  /** Sets the value (copied); the next read, notification or indication serves it. Constraints are the central's, not the app's. */
  setValue(name: string, value: Buffer): void {
    this.need(name).value = Buffer.from(value);
  }

  /** Notify the connected central now, if it subscribed and the link's security is enough for notify. */
  notify(name: string, value?: Buffer): Delivery {
    const c = this.need(name);
    if (!c.def.properties.notify) throw new PeripheralError(`"${name}" cannot notify (no notify property)`);
    if (value) this.setValue(name, value);
    const why = this.cannotSend(c, 'notify');
    if (why) return this.undelivered(c, 'notification', why);
    const link = this.central!.handle;
    this.att.sendPdu(link, { opcode: ATT_OP.HANDLE_VALUE_NTF, handle: c.valueHandle, value: c.value.subarray(0, this.att.mtu(link) - 3) });
    this.log.info({ characteristic: name, handle: c.valueHandle }, `notified "${name}" (${c.value.length} octets) to ${this.central!.peerAddress}`);
    return { sent: true, central: this.central!.peerAddress };
  }

  /** Indicate now; resolves when the central confirms, or with the reason it did not (timeout, link lost). */
  async indicate(name: string, value?: Buffer): Promise<Delivery> {
    const c = this.need(name);
    if (!c.def.properties.indicate) throw new PeripheralError(`"${name}" cannot indicate (no indicate property)`);
    if (value) this.setValue(name, value);
    const why = this.cannotSend(c, 'indicate');
    if (why) return this.undelivered(c, 'indication', why);
    const central = this.central!.peerAddress;
    const link = this.central!.handle;
    const cut = c.value.subarray(0, this.att.mtu(link) - 3);
    const r = await this.indications.indicate(() => this.att.sendPdu(link, { opcode: ATT_OP.HANDLE_VALUE_IND, handle: c.valueHandle, value: cut }));
    if (r.confirmed) this.log.info({ characteristic: name, ms: r.ms }, `indicated "${name}" to ${central}; confirmed after ${r.ms.toFixed(1)} ms`);
    else this.log.warn({ characteristic: name }, `indicated "${name}" to ${central}; not confirmed: ${r.reason}`);
    return r.confirmed ? { sent: true, central, confirmed: true } : { sent: true, central, confirmed: false, reason: r.reason };
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

  /** HCI Disconnect with a reason (default 0x13 Remote User Terminated Connection); resolves when the link is down. */
  async disconnect(reason: number = HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (!this.central?.connected) return;
    const gone = waitForEvent(this, 'disconnect', { what: 'the central to disconnect', timeoutMs });
    this.loaded.disconnect(reason);
    await gone;
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
    const store = this.smpKeyStore;
    if (store) for (const b of await store.list()) await store.delete(b.local, b.peer);
    const identity = options.newIdentity && this.loaded.newIdentity(options.newIdentity === 'same-irk');
    this.log.info(identity ? { identity } : {}, identity ? `forgot every bond and took a new identity ${identity.address} (random static)${options.newIdentity === 'same-irk' ? ' with the same IRK' : ' and a new IRK'}: the next central pairs again` : 'forgot every bond: the next central pairs again');
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
    const times = options.times ?? 'always';
    if (!Number.isInteger(reason) || reason < 0x01 || reason > 0xff) throw new PeripheralError(`a Pairing Failed reason is one octet from 0x01 (Vol 3 Part H 3.5.5), not ${reason}`);
    if (times !== 'always' && (!Number.isInteger(times) || times < 1)) throw new PeripheralError(`refusePairing times is a whole number from 1, or 'always', not ${String(times)}`);
    this.refusal = { reason, left: times };
    const which = times === 'always' ? 'every Pairing Request' : times === 1 ? 'the next Pairing Request' : `the next ${times} Pairing Requests`;
    this.log.info({ reason, times }, `${which} will be refused: ${hex(reason)} ${smpReason(reason).name}`);
  }

  /**
   * Sends a Security Request to the connected central (Vol 3 Part H 2.4.6): it pairs, or encrypts with
   * its stored key. Needs the peripheral's own Security Manager (the `smp` option); false without it or a link.
   */
  requestSecurity(): boolean {
    return this.loaded.requestSecurity();
  }

  /** Pairing Requests are answered by bleno's SMP again (clears refusePairing/refuseNextPairing). */
  acceptPairing(): void {
    if (this.refusal) this.log.info('Pairing Requests are accepted again');
    this.refusal = undefined;
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
    this.indications.linkLost('the peripheral is closing');
    const tap = this.transport.tap;
    tap.off('link', this.onLink);
    tap.off('disconnect', this.onDisconnect);
    tap.off('pairing', this.onPairing);
    tap.off('encryption', this.onEncryption);
    this.transport.kernelShare?.off('ltk', this.onKernelLtk);
    this.transport.kernelShare?.off('keys', this.onKernelKeys);
    await this.loaded.close();
  }

  private need(name: string): ServedCharacteristic {
    const c = this.map.characteristic(name);
    if (!c) throw new PeripheralError(`profile "${this.profile.name}" has no characteristic "${name}"; it has: ${this.map.characteristics().map((x) => x.def.name).join(', ')}`);
    return c;
  }

  private linkState() {
    return this.records.state(this.central?.connected ? this.central.handle : undefined, this.authorized);
  }

  /** The kept key for a central, written into its links' records. */
  private readonly refreshStored = (peer: string) => this.records.storedFor(peer, storedKey(this.transport, this.loaded, peer));

  private readonly onKernelLtk = (e: { handle: number; found: boolean; key?: { keyType: number; encSize: number } }) => {
    if (e.key) this.records.keyInUse(e.handle, keyFactsOf(e.key, 'kernel'));
  };

  private readonly onKernelKeys = () => {
    for (const l of this.transport.tap.links()) if (l.role === 'peripheral' && l.connected) this.refreshStored(l.peerAddress);
  };

  private cannotSend(c: ServedCharacteristic, kind: 'notify' | 'indicate'): string | undefined {
    const l = this.central;
    if (!l?.connected) return 'no central is connected';
    const on = kind === 'notify' ? this.subs.notifying(c.def.name) : this.subs.indicating(c.def.name);
    if (!on) return `the central has not enabled ${kind === 'notify' ? 'notifications' : 'indications'} in the CCCD`;
    const v = checkSecurity(c.security[kind], this.linkState());
    return v.ok ? undefined : `the link's security is not enough (${codeText(v.attError)}): ${v.reason}`;
  }

  private undelivered(c: ServedCharacteristic, what: string, reason: string): Delivery {
    this.log.info({ characteristic: c.def.name }, `no ${what} of "${c.def.name}" sent: ${reason}`);
    return { sent: false, reason };
  }

  private takeRefusal(): number | undefined {
    const r = this.refusal;
    if (!r) return undefined;
    if (r.left !== 'always' && --r.left === 0) this.refusal = undefined;
    this.log.info({ reason: r.reason }, `refused a Pairing Request with Pairing Failed ${hex(r.reason)} ${smpReason(r.reason).name}, as asked${r.left === 'always' ? '' : ` (${r.left} more to refuse)`}`);
    return r.reason;
  }

  private record(r: Omit<RequestRecord, 'central'>): void {
    const full: RequestRecord = { central: this.central?.peerAddress, ...r };
    const line = describeRequest(full);
    if (full.outcome.ok) this.log.info({ request: full.request, characteristic: full.characteristic, handle: full.handle }, line);
    else this.log.warn({ request: full.request, characteristic: full.characteristic, handle: full.handle, attError: full.outcome.attError }, line);
    this.emit('request', full);
  }

  private cccdWritten(d: ServedDescriptor, bits: number): void {
    const name = d.characteristic.def.name;
    const before = this.subs.value(name);
    this.subs.set(name, bits);
    const info: SubscriptionInfo = { central: this.central?.peerAddress, characteristic: name, bits, notifications: (bits & CCCD_BITS.notification) !== 0, indications: (bits & CCCD_BITS.indication) !== 0 };
    if (bits !== 0) this.emit('subscribe', info);
    else if (before !== 0) this.emit('unsubscribe', info);
  }

  private readonly onLink = (l: LinkState) => {
    if (l.role !== 'peripheral') return;
    this.subs.connect(l.peerAddress);
    this.att.open(l.handle);
    this.records.open(l.handle, l.peerAddress, storedKey(this.transport, this.loaded, l.peerAddress));
    this.log.info({ central: l.peerAddress, handle: l.handle }, `central ${l.peerAddress} (${l.peerAddressTypeName}) connected${privacyNote(l)}`);
    this.emit('connect', { central: l.peerAddress, addressType: l.peerAddressTypeName, handle: l.handle });
  };

  private readonly onDisconnect = (l: LinkState) => {
    if (l.role !== 'peripheral') return;
    const bonded = storedKey(this.transport, this.loaded, l.peerAddress) !== undefined;
    const was = this.subs.disconnect(bonded);
    const reason = l.disconnectReason === undefined ? 'the link is gone' : `the link is gone (${l.disconnectReasonName})`;
    this.indications.linkLost(reason);
    const dropped = this.att.close(l.handle);
    this.records.close(l.handle);
    if (dropped) this.log.info({ central: l.peerAddress, dropped }, `${dropped} held answer${dropped === 1 ? '' : 's'} dropped, never sent: ${reason}`);
    for (const characteristic of was) this.emit('unsubscribe', { central: l.peerAddress, characteristic, bits: 0, notifications: false, indications: false });
    this.log.info({ central: l.peerAddress, reason: l.disconnectReason, by: l.disconnectedBy }, `central ${l.peerAddress} disconnected: ${l.disconnectReasonName ?? 'reason unknown'}${bonded ? ' (bonded: its subscriptions are kept)' : ''}`);
    this.emit('disconnect', { central: l.peerAddress, handle: l.handle, reason: l.disconnectReason, reasonName: l.disconnectReasonName, by: l.disconnectedBy });
  };

  private readonly onPairing = (l: LinkState, e: TimelineEntry) => {
    if (l.role !== 'peripheral' || !l.pairing) return;
    const p = l.pairing;
    const code = e.fields.code;
    const step = code === SMP_CODE.PAIRING_FAILED ? 'failed' : code === SMP_CODE.SECURITY_REQUEST ? 'security-request' : code === SMP_CODE.PAIRING_RESPONSE ? 'response' : 'request';
    const info = {
      central: l.peerAddress,
      step,
      initiator: p.initiator,
      ...(p.method ? { method: p.method } : {}),
      ...(p.keySize ? { keySize: p.keySize } : {}),
      ...(p.failed ? { failed: { reason: p.failed.reason, reasonName: p.failed.reasonName, sentBy: p.failed.sentBy } } : {}),
    } as const;
    this.log.info({ central: l.peerAddress, step }, `pairing with ${l.peerAddress}: ${e.summary}`);
    this.emit('pairing', info);
  };

  private readonly onEncryption = (l: LinkState) => {
    if (l.role !== 'peripheral') return;
    this.records.encryption(l.handle, l.encrypted);
    this.refreshStored(l.peerAddress);
    // The key size the access policy sees: the record's (the Security Manager's, the kernel's or the kept key's).
    const keySize = l.encrypted ? (this.records.state(l.handle, this.authorized).keySize ?? l.keySize) : undefined;
    this.log.info({ central: l.peerAddress, encrypted: l.encrypted, status: l.encryptionStatus }, `link to ${l.peerAddress} ${l.encrypted ? `encrypted (key size ${keySize ?? 'unknown'})` : `not encrypted (${l.encryptionStatusName ?? 'status unknown'})`}${privacyNote(l)}`);
    this.emit('encryption', { central: l.peerAddress, encrypted: l.encrypted, status: l.encryptionStatus, keySize });
  };
}

/** Where privacy shows (an RPA, a resolved or distributed identity): both addresses, " [RPA … → identity …]". */
function privacyNote(l: LinkState): string {
  const line = peerAddressLine(l);
  return l.peerRpa || l.peerIdentity || line.startsWith('RPA') ? ` [${line}]` : '';
}

// The server's side of each central's link, from the tap and the kernel share: a link up gets its
// own CCCDs, ATT bearer and security record; a link gone takes its indications, held answers and
// unbonded subscriptions with it (Core v5.4 Vol 3 Part G 3.3.3.3); pairing and encryption are written
// into that link's record; advertising refused after a connection is said. Every event names its central.
import type { HciTransport } from '../common/stack/hci/transport.js';
import type { Logger } from '../common/base/log/logger.js';
import type { LinkState } from '../common/stack/trace/link-state.js';
import type { TimelineEntry } from '../common/stack/trace/timeline.js';
import { hex } from '../common/base/codes/code-table.js';
import type { AttServer } from './att/att-server.js';
import type { LoadedBleno } from './bleno/index.js';
import type { IndicationQueues } from './gatt/indication-queues.js';
import type { Subscriptions } from './gatt/subscriptions.js';
import { storedKey } from './pairing/link-security.js';
import { pairingInfoOf } from './pairing/pairing-info.js';
import { keyFactsOf, type SecurityRecords } from './pairing/security-record.js';
import { advertisingRefusal } from './bleno/advertising.js';
import type { PeripheralEvents } from './server-types.js';
import type { GattCaching } from './gatt/gatt-caching.js';
import { peerAddressLine } from '../common/stack/trace/address-line.js';

export interface CentralLinksContext {
  readonly transport: HciTransport;
  readonly loaded: LoadedBleno;
  readonly subs: Subscriptions;
  readonly att: AttServer;
  readonly records: SecurityRecords;
  readonly indications: IndicationQueues;
  readonly log: Logger;
  /** Each bonded central's GATT state: what a link starts with, what is kept when it ends (Vol 3 Part G 2.5.2.1). */
  readonly caching: Pick<GattCaching, 'openState' | 'closed'>;
  authorized(): boolean;
  emit<K extends keyof PeripheralEvents>(event: K, ...args: PeripheralEvents[K]): void;
}

export class CentralLinks {
  constructor(private readonly c: CentralLinksContext) {}

  /** Listens to the tap's links, pairings and encryptions, and the kernel share's keys. */
  watch(): void {
    const tap = this.c.transport.tap;
    tap.on('link', this.onLink);
    tap.on('disconnect', this.onDisconnect);
    tap.on('pairing', this.onPairing);
    tap.on('encryption', this.onEncryption);
    this.c.transport.kernelShare?.on('ltk', this.onKernelLtk);
    this.c.transport.kernelShare?.on('keys', this.onKernelKeys);
  }

  /** From now on (advertising started), a refused LE Set Advertising Enable is said. */
  watchAdvertising(): void {
    this.c.transport.tap.on('entry', this.onEntry);
  }

  unwatch(): void {
    const tap = this.c.transport.tap;
    tap.off('link', this.onLink);
    tap.off('disconnect', this.onDisconnect);
    tap.off('pairing', this.onPairing);
    tap.off('encryption', this.onEncryption);
    tap.off('entry', this.onEntry);
    this.c.transport.kernelShare?.off('ltk', this.onKernelLtk);
    this.c.transport.kernelShare?.off('keys', this.onKernelKeys);
  }

  /** The kept key for a central, written into its links' records. */
  readonly refreshStored = (peer: string) => this.c.records.storedFor(peer, storedKey(this.c.transport, this.c.loaded, peer));

  private readonly onKernelLtk = (e: { handle: number; found: boolean; key?: { keyType: number; encSize: number } }) => {
    if (e.key) this.c.records.keyInUse(e.handle, keyFactsOf(e.key, 'kernel'));
  };

  private readonly onKernelKeys = () => {
    for (const l of this.c.transport.tap.links()) if (l.role === 'peripheral' && l.connected) this.refreshStored(l.peerAddress);
  };


  /**
   * Advertising enabled again after a connection (bleno does it while fewer than maxCentrals are
   * connected) and refused by the controller: said with the status, e.g. 0x07 Memory Capacity
   * Exceeded from a controller that holds as many connections as it can.
   */
  private readonly onEntry = (e: TimelineEntry) => {
    const centrals = this.c.loaded.connectionHandles().length;
    const r = advertisingRefusal(e, centrals);
    if (!r) return;
    this.c.log.warn({ status: r.status, centrals }, r.words);
    this.c.emit('advertising-refused', { status: r.status, statusName: r.statusName, centrals });
  };

  private readonly onLink = (l: LinkState) => {
    if (l.role !== 'peripheral') return;
    this.c.subs.connect(l.handle, l.peerAddress);
    this.c.att.open(l.handle, this.c.caching.openState(l.handle, l.peerAddress));
    this.c.records.open(l.handle, l.peerAddress, storedKey(this.c.transport, this.c.loaded, l.peerAddress));
    const count = this.c.loaded.connectionHandles().length;
    this.c.log.info({ central: l.peerAddress, handle: l.handle, centrals: count }, `central ${l.peerAddress} (${l.peerAddressTypeName}) connected on handle ${hex(l.handle, 4)}${privacyNote(l)}${count > 1 ? ` (${count} centrals connected)` : ''}`);
    if (count >= this.c.loaded.maxCentrals) this.c.log.warn({ centrals: count, maxCentrals: this.c.loaded.maxCentrals }, `serving ${count} centrals, the most this peripheral takes (maxCentrals): not advertising until one disconnects`);
    this.c.emit('connect', { central: l.peerAddress, addressType: l.peerAddressTypeName, handle: l.handle });
  };

  private readonly onDisconnect = (l: LinkState) => {
    if (l.role !== 'peripheral') return;
    const bonded = storedKey(this.c.transport, this.c.loaded, l.peerAddress) !== undefined;
    const was = this.c.subs.disconnect(l.handle, bonded);
    const reason = l.disconnectReason === undefined ? 'the link is gone' : `the link is gone (${l.disconnectReasonName})`;
    this.c.indications.linkLost(l.handle, reason);
    void this.c.caching.closed(l.handle, l.peerAddress, this.c.att.connection(l.handle));
    const dropped = this.c.att.close(l.handle);
    this.c.records.close(l.handle);
    if (dropped) this.c.log.info({ central: l.peerAddress, dropped }, `${dropped} held answer${dropped === 1 ? '' : 's'} dropped, never sent: ${reason}`);
    for (const characteristic of was) this.c.emit('unsubscribe', { central: l.peerAddress, handle: l.handle, characteristic, bits: 0, notifications: false, indications: false });
    this.c.log.info({ central: l.peerAddress, reason: l.disconnectReason, by: l.disconnectedBy }, `central ${l.peerAddress} disconnected: ${l.disconnectReasonName ?? 'reason unknown'}${bonded ? ' (bonded: its subscriptions are kept)' : ''}`);
    this.c.emit('disconnect', { central: l.peerAddress, handle: l.handle, reason: l.disconnectReason, reasonName: l.disconnectReasonName, by: l.disconnectedBy });
  };

  private readonly onPairing = (l: LinkState, e: TimelineEntry) => {
    const info = pairingInfoOf(l, e);
    if (!info) return;
    this.c.log.info({ central: l.peerAddress, step: info.step }, `pairing with ${l.peerAddress}: ${e.summary}`);
    this.c.emit('pairing', info);
  };

  private readonly onEncryption = (l: LinkState) => {
    if (l.role !== 'peripheral') return;
    this.c.records.encryption(l.handle, l.encrypted);
    this.refreshStored(l.peerAddress);
    // The key size the access policy sees: the record's (the Security Manager's, the kernel's or the kept key's).
    const keySize = l.encrypted ? (this.c.records.state(l.handle, this.c.authorized()).keySize ?? l.keySize) : undefined;
    this.c.log.info({ central: l.peerAddress, encrypted: l.encrypted, status: l.encryptionStatus }, `link to ${l.peerAddress} ${l.encrypted ? `encrypted (key size ${keySize ?? 'unknown'})` : `not encrypted (${l.encryptionStatusName ?? 'status unknown'})`}${privacyNote(l)}`);
    this.c.emit('encryption', { central: l.peerAddress, encrypted: l.encrypted, status: l.encryptionStatus, keySize });
  };
}

/** Where privacy shows (an RPA, a resolved or distributed identity): both addresses, " [RPA … → identity …]". */
function privacyNote(l: LinkState): string {
  const line = peerAddressLine(l);
  return l.peerRpa || l.peerIdentity || line.startsWith('RPA') ? ` [${line}]` : '';
}

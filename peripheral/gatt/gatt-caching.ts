// The server's half of GATT caching, per link: the state a bonded central starts in (its kept Client
// Supported Features and Service Changed CCCD; change-aware unless the database changed since it was
// last aware: Core v5.4 Vol 3 Part G 2.5.2.1), the Service Changed indication over 0x0001-0xFFFF to a
// bonded central that enabled it and is change-unaware (7.1, sent as the central first speaks ATT on
// the new link, so its stack is there to confirm it), and what is kept of it when the link ends.
import { ATT_OP } from '../../common/base/codes/att.js';
import { CLIENT_FEATURE, SERVICE_CHANGED_WHOLE_RANGE } from '../../common/base/codes/gatt.js';
import type { Logger } from '../../common/base/log/logger.js';
import { CCCD_BITS } from '../../common/stack/gatt/index.js';
import type { KeyStore } from '../../common/stack/smp/key-store.js';
import type { AttConnection } from '../att/att-context.js';
import type { AttOpenState, AttServer } from '../att/att-server.js';
import type { AttributeTable } from '../att/attribute-table.js';
import { GattBondStates } from './gatt-bond-states.js';
import type { IndicationResult, Indications } from './indications.js';

export interface GattCachingDeps {
  readonly log: Logger;
  readonly store: KeyStore | undefined;
  readonly att: AttServer;
  /** The link's indication queue (one outstanding indication per bearer, Vol 3 Part F 3.4.7.2). */
  indications(handle: number): Indications;
  /** The table served now (a firmware update replaces it). */
  table(): AttributeTable;
  /** The identity behind a central's address on the air. */
  identityOf(peerAddress: string): string;
  /** Whether this peripheral keeps a key for the central now (it is bonded). */
  bonded(peerAddress: string): boolean;
}

/** The Service Changed value: the affected range, start and end handle, little-endian. Vol 3 Part G 7.1. */
function serviceChangedValue(): Buffer {
  const v = Buffer.alloc(4);
  v.writeUInt16LE(SERVICE_CHANGED_WHOLE_RANGE.start, 0);
  v.writeUInt16LE(SERVICE_CHANGED_WHOLE_RANGE.end, 2);
  return v;
}

export class GattCaching {
  readonly states: GattBondStates;
  /** Links owed a Service Changed indication, sent at the central's first ATT PDU. */
  private readonly owed = new Set<number>();

  constructor(private readonly d: GattCachingDeps) {
    this.states = new GattBondStates(d.store, d.log);
  }

  load(): Promise<void> {
    return this.states.load();
  }

  /** The ATT state a new link starts with. */
  openState(handle: number, peerAddress: string): AttOpenState {
    const identity = this.d.identityOf(peerAddress);
    const bonded = this.d.bonded(peerAddress);
    const kept = bonded ? this.states.get(identity) : undefined;
    const table = this.d.table();
    // A bond with nothing kept (made elsewhere, or its state lost) cannot be shown to know this database.
    const changeAware = !bonded || (kept !== undefined && kept.databaseHash.equals(table.databaseHash));
    const scCccd = kept?.serviceChangedCccd ?? 0;
    if (!changeAware) {
      this.d.log.info({ central: peerAddress }, `bonded central ${peerAddress} is change-unaware: ${kept ? 'the database changed since its last connection' : 'nothing is kept of what it knows of the database'} (Vol 3 Part G 2.5.2.1)`);
      if (table.serviceChangedHandle !== undefined && scCccd & CCCD_BITS.indication) this.owed.add(handle);
    }
    return {
      serviceChangedCccd: scCccd,
      clientFeatures: kept?.clientFeatures ?? 0,
      changeAware,
      onAware: (why) => this.d.log.info({ central: peerAddress }, `central ${peerAddress} is change-aware: ${why} (Vol 3 Part G 2.5.2.1)`),
    };
  }

  /** The central spoke ATT on the link: an owed Service Changed indication goes now. */
  spoke(handle: number, peerAddress: string): void {
    if (!this.owed.delete(handle)) return;
    void this.indicateServiceChanged(handle, peerAddress);
  }

  /** Indicates Service Changed (0x0001-0xFFFF) on a link; a confirmation makes the central change-aware. Vol 3 Part G 7.1. */
  async indicateServiceChanged(handle: number, peerAddress: string): Promise<IndicationResult> {
    const valueHandle = this.d.table().serviceChangedHandle;
    if (valueHandle === undefined) return { confirmed: false, reason: 'this database has no Service Changed characteristic' };
    this.d.log.info({ central: peerAddress, handle: valueHandle }, `indicating Service Changed 0x0001-0xFFFF to ${peerAddress}: the database changed since it last saw it`);
    const r = await this.d.indications(handle).indicate(() => this.d.att.sendPdu(handle, { opcode: ATT_OP.HANDLE_VALUE_IND, handle: valueHandle, value: serviceChangedValue() }));
    const conn = this.d.att.connection(handle);
    if (r.confirmed) conn?.awareness.serviceChangedConfirmed();
    else this.d.log.warn({ central: peerAddress }, `Service Changed not confirmed by ${peerAddress}: ${r.reason}; it stays change-unaware`);
    return r;
  }

  /**
   * Why nothing but Service Changed may go to this link now, or undefined: a change-unaware client
   * with robust caching gets no notification or indication until it is aware. Vol 3 Part G 2.5.2.1.
   */
  blocked(conn: AttConnection | undefined): string | undefined {
    if (!conn || conn.awareness.mayNotify((conn.clientFeatures & CLIENT_FEATURE.ROBUST_CACHING) !== 0)) return undefined;
    return 'the central is change-unaware (robust caching): nothing but Service Changed goes to it until it is aware (Vol 3 Part G 2.5.2.1)';
  }

  /** The link ended: a bonded central's state is kept (the hash it is aware of: the current one, or what it had). */
  async closed(handle: number, peerAddress: string, conn: AttConnection | undefined): Promise<void> {
    this.owed.delete(handle);
    if (!conn || !this.d.bonded(peerAddress)) return;
    const identity = this.d.identityOf(peerAddress);
    const table = this.d.table();
    const before = this.states.get(identity);
    // Change-unaware at the end: it knows what it knew before (a hash that differs from this one).
    const databaseHash = conn.awareness.changeAware ? table.databaseHash : (before?.databaseHash ?? Buffer.alloc(table.databaseHash.length));
    await this.states.save(identity, { databaseHash, clientFeatures: conn.clientFeatures, serviceChangedCccd: conn.serviceChangedCccd });
  }

  /** Every bond forgotten. */
  forget(): void {
    this.states.forget();
  }
}

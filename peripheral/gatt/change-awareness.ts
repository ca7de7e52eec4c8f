// Robust caching from the server's side: whether one connected client is change-aware, and what its
// requests get meanwhile. Core v5.4 Vol 3 Part G 2.5.2.1: a client without a trusted relationship
// starts change-aware; a bonded one starts as it was at its last disconnection, or change-unaware if
// the database changed since; every connected client becomes change-unaware when the database
// changes. A change-unaware client (one ATT bearer) becomes change-aware when it confirms a Service
// Changed indication, or when the server receives another ATT request after it read the Database Hash
// or after the server answered it Database Out Of Sync (0x12). A change-unaware client that set the
// Robust Caching bit (7.2) gets 0x12, once per bearer until the database changes again, for a request
// at an Attribute Handle or list of handles, or a Read By Type of another type than «Include» or
// «Characteristic» over a range other than 0x0001-0xFFFF; its commands are ignored; it gets no
// notification or indication but Service Changed's. As Zephyr does (subsys/bluetooth/host/gatt.c
// bt_gatt_change_aware), a client that did not set Robust Caching is served as before whatever its state.
import { ATT_OP } from '../../common/base/codes/att.js';
import { GATT_DECLARATION } from '../../common/base/codes/gatt.js';
import { ATT_LAST_HANDLE, type AttPdu } from '../../common/stack/att/index.js';

/** The first attribute handle (Vol 3 Part F 3.2.2): a Read By Type over 0x0001-0xFFFF is the whole database. */
const FIRST_HANDLE = 0x0001;

/** What a request of a change-unaware client gets: processed, or 0x12 Database Out Of Sync. */
export type RequestVerdict = 'process' | 'out-of-sync';

export class ChangeAwareness {
  private aware: boolean;
  /** 0x12 went out on this bearer since the client became change-unaware. */
  private outOfSyncSent = false;
  /** The client read the Database Hash since it became change-unaware. */
  private hashRead = false;

  /** `aware`: the state the connection starts in (unbonded: true; bonded: as stored). `onAware` is told each change to change-aware. */
  constructor(aware: boolean, private readonly onAware: (why: string) => void = () => undefined) {
    this.aware = aware;
  }

  get changeAware(): boolean {
    return this.aware;
  }

  /** The served database changed while the client is connected: change-unaware, and 0x12 may be sent again. */
  databaseChanged(): void {
    this.aware = false;
    this.outOfSyncSent = false;
    this.hashRead = false;
  }

  /** An ATT request arrives. `robust`: the client set Robust Caching; `gated`: isGatedWhileUnaware(pdu). */
  request(robust: boolean, gated: boolean): RequestVerdict {
    if (this.aware) return 'process';
    if (this.hashRead || this.outOfSyncSent) {
      this.becomeAware(this.hashRead ? 'it read the Database Hash and sent another request' : 'it sent another request after Database Out Of Sync');
      return 'process';
    }
    if (robust && gated) {
      this.outOfSyncSent = true;
      return 'out-of-sync';
    }
    return 'process';
  }

  /** The client read the Database Hash (the request that did is processed; the next one makes it change-aware). */
  hashWasRead(): void {
    if (!this.aware) this.hashRead = true;
  }

  /** The client confirmed a Service Changed indication. */
  serviceChangedConfirmed(): void {
    if (!this.aware) this.becomeAware('it confirmed the Service Changed indication');
  }

  /** An ATT command arrives: ignored while change-unaware for a client that set Robust Caching. */
  takesCommand(robust: boolean): boolean {
    return this.aware || !robust;
  }

  /** Whether a notification or indication other than Service Changed may go to the client now. */
  mayNotify(robust: boolean): boolean {
    return this.aware || !robust;
  }

  private becomeAware(why: string): void {
    this.aware = true;
    this.hashRead = false;
    this.outOfSyncSent = false;
    this.onAware(why);
  }
}

/** Whether a request is one a change-unaware client with Robust Caching gets 0x12 for. Vol 3 Part G 2.5.2.1. */
export function isGatedWhileUnaware(pdu: AttPdu): boolean {
  switch (pdu.opcode) {
    case ATT_OP.READ_REQ:
    case ATT_OP.READ_BLOB_REQ:
    case ATT_OP.READ_MULTIPLE_REQ:
    case ATT_OP.READ_MULTIPLE_VARIABLE_REQ:
    case ATT_OP.WRITE_REQ:
    case ATT_OP.PREPARE_WRITE_REQ:
      return true;
    case ATT_OP.READ_BY_TYPE_REQ: {
      const t = pdu.attributeType;
      const discovery = t.length === 2 && (t.readUInt16LE(0) === GATT_DECLARATION.INCLUDE || t.readUInt16LE(0) === GATT_DECLARATION.CHARACTERISTIC);
      const whole = pdu.startingHandle === FIRST_HANDLE && pdu.endingHandle === ATT_LAST_HANDLE;
      return !discovery && !whole;
    }
    default:
      return false;
  }
}

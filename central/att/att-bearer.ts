// What the GATT client needs from one connection's ATT bearer (Core v5.4 Vol 3 Part F 3.3: one
// request outstanding at a time, answered by its response or an Error Response). noble's queue
// implements it in central/noble/att-bearer.ts; a test can implement it with a fake.

import { BlebenchError } from '../../common/base/errors/blebench-error.js';

export interface AttBearerEvents {
  /** A Handle Value Notification (indication: false) or Indication (true; the bearer confirms it). */
  notification: [{ handle: number; value: Buffer; indication: boolean }];
  /** The link is encrypted (or the encryption attempt ended, with enabled false). */
  encrypt: [boolean];
  /** The local SMP gave up pairing (it received Pairing Failed, or its confirm check failed). */
  pairingFailed: [];
  /** The link is gone: nothing more will be sent or answered. */
  end: [];
}

export interface AttBearer {
  /** HCI connection handle of the link this bearer belongs to. */
  readonly handle: number;
  /** The ATT_MTU agreed for this link (23 until the MTU exchange ends). Vol 3 Part F 3.2.8. */
  readonly mtu: number;
  /** True once the link is gone or the bearer was abandoned. */
  readonly ended: boolean;
  /** Send a request; resolves with whatever PDU answers it (its response or an Error Response). */
  request(pdu: Buffer): Promise<Buffer>;
  /** Send a command (no answer exists); resolves once it is handed to the link. */
  command(pdu: Buffer): Promise<void>;
  /** Start LE legacy pairing with the local SMP (Pairing Request). */
  startPairing(): void;
  /**
   * LE Enable Encryption with a key kept from an earlier pairing (Vol 4 Part E 7.8.24): Rand and EDIV
   * identify the key to the peer, which looks it up. Absent where the stack cannot (test fakes).
   */
  startEncryption?(key: LegacyLtk): void;
  /**
   * The outstanding request will never be answered (ATT transaction timeout, Vol 3 Part F 3.3.3):
   * reject everything pending with `reason` and refuse further requests on this bearer.
   */
  abandon(reason: Error): void;
  on<K extends keyof AttBearerEvents>(event: K, listener: (...args: AttBearerEvents[K]) => void): this;
  once<K extends keyof AttBearerEvents>(event: K, listener: (...args: AttBearerEvents[K]) => void): this;
  off<K extends keyof AttBearerEvents>(event: K, listener: (...args: AttBearerEvents[K]) => void): this;
}

/** A legacy LTK as distributed in Encryption Information and Central Identification (Vol 3 Part H 3.6.2), wire order. */
export interface LegacyLtk {
  readonly ltk: Buffer;
  readonly ediv: number;
  readonly rand: Buffer;
}

/** The bearer is gone or was abandoned before the request was answered. */
export class BearerClosedError extends BlebenchError {
  readonly code = 'BEARER_CLOSED';
  constructor(message = 'the link ended before the request was answered') {
    super(message);
    this.name = 'BearerClosedError';
  }
}

// A link between two virtual controllers as both keep it: its two ends (handle, role, the peer as seen
// on air), the procedures pending on it, and each direction's ACL channel. Core v5.4 Vol 6 Part B 4.5
// (connection state). The procedures that make, use and end a link (connection.ts, acl.ts,
// encryption.ts, procedures.ts) all work on these; none of them is needed to hold one.
import { ROLE } from '../../base/codes/hci.js';
import type { OnAirAddress } from './advertising.js';
import { DATA_LENGTH, DEFAULT_AUTHENTICATED_PAYLOAD_TIMEOUT, PHY } from './capabilities.js';
import type { VirtualController } from './controller.js';
import type { AclCorruptAction } from './faults.js';
import type { Cancel } from './timers.js';

export class LinkEnd {
  /** ACL packets this end's host sent that have not been reported completed yet. */
  inFlight = 0;
  authenticatedPayloadTimeout = DEFAULT_AUTHENTICATED_PAYLOAD_TIMEOUT;

  constructor(
    readonly controller: VirtualController,
    readonly handle: number,
    readonly role: number,
    readonly link: Link,
    /** The other side as this side sees it on air. */
    readonly peerAir: OnAirAddress,
  ) {}

  get peer(): LinkEnd {
    return this.link.central === this ? this.link.peripheral : this.link.central;
  }

  /** The channel carrying what this end's host sends. */
  get outbound(): AclChannel {
    return this.role === ROLE.CENTRAL ? this.link.toPeripheral : this.link.toCentral;
  }
}

export interface DataLengthOneWay {
  octets: number;
  time: number;
}

/** A pending LL procedure that waits for a host's answer (LTK request, connection parameter request). */
export interface PendingEncryption {
  rand: Buffer;
  ediv: number;
  ltk: Buffer;
  refresh: boolean;
  cancelTimeout: Cancel;
}

export interface PendingParamRequest {
  from: LinkEnd; // the peripheral that asked
  cancelTimeout: Cancel;
}

export class Link {
  central!: LinkEnd;
  peripheral!: LinkEnd;
  open = true;
  encrypted = false;
  ltk: Buffer | undefined;
  encryption: PendingEncryption | undefined;
  paramRequest: PendingParamRequest | undefined;
  readonly toPeripheral = new AclChannel();
  readonly toCentral = new AclChannel();
  dataLength = {
    toPeripheral: { octets: DATA_LENGTH.MIN_OCTETS, time: DATA_LENGTH.MIN_TIME } as DataLengthOneWay,
    toCentral: { octets: DATA_LENGTH.MIN_OCTETS, time: DATA_LENGTH.MIN_TIME } as DataLengthOneWay,
  };
  phy = { toPeripheral: PHY.LE_1M as number, toCentral: PHY.LE_1M as number };

  constructor(
    public interval: number,
    public latency: number,
    public timeout: number,
  ) {}

  cancelProcedures(): void {
    this.encryption?.cancelTimeout();
    this.encryption = undefined;
    this.paramRequest?.cancelTimeout();
    this.paramRequest = undefined;
  }
}

interface HeldPacket {
  from: LinkEnd;
  packet: Buffer;
  /** A delay fault fired on this packet: wait this long before it and everything after it. */
  delayMs?: number;
  /** Built by a corrupt fault: the host's own packets were already counted as completed. */
  counted?: boolean;
}

/** A PDU a corrupt fault fired on, being reassembled before it is altered. */
interface CorruptingPdu {
  action: AclCorruptAction;
  indicator: number;
  /** L2CAP bytes (header and payload) so far. */
  parts: Buffer[];
  have: number;
  /** L2CAP header + payload length. */
  total: number;
  fragmentSize: number;
}

/** One direction of a link: what a delay fault holds back, and whether the current PDU is being dropped. */
export class AclChannel {
  held: HeldPacket[] = [];
  waiting = false;
  droppingPdu = false;
  corrupting: CorruptingPdu | undefined;
  cancelWait: (() => void) | undefined;

  flush(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    this.waiting = false;
    this.held = [];
    this.droppingPdu = false;
    this.corrupting = undefined;
  }
}

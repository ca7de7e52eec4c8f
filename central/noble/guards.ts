// Guards on noble's own code where a peer's PDU would make it throw (and end the process): its LE
// signaling, its ACL flush, and its own SMP (used when blebench's Security Manager is not). Each is
// installed once per process on noble's prototypes; each checks that what it wraps is still there.
import { L2CAP_CID, L2CAP_SIG, L2CAP_SIG_HEADER_LENGTH } from '../../common/base/codes/l2cap.js';
import { SMP_REASON } from '../../common/base/codes/smp.js';
import { PAIRING_FAILED, parseSmp } from '../../common/stack/smp/pdu.js';
import { NOBLE_HCI_FILE, NOBLE_SIGNALING_FILE, NobleInternalsChanged, nobleRequire } from './internals.js';

/** noble's own SMP (LE legacy initiator) as its prototype has it. */
export interface NobleSmpPrototype {
  onAclStreamData(this: NobleOwnSmp, cid: number, data: Buffer): void;
  handlePairingResponse(this: NobleOwnSmp, data: Buffer): void;
  handlePairingConfirm(this: NobleOwnSmp, data: Buffer): void;
  handlePairingRandom(this: NobleOwnSmp, data: Buffer): void;
}
interface NobleOwnSmp {
  _preq?: Buffer;
  _pres?: Buffer;
  _pcnf?: Buffer;
  write(data: Buffer): void;
  emit(event: 'fail'): boolean;
}

/**
 * noble's smp.js reads every command at fixed offsets and trusts the order: an empty or short PDU,
 * a Pairing Confirm before the Pairing Response or a Pairing Random before the Confirm throws (and
 * ends the process). Such PDUs get Pairing Failed instead (Vol 3 Part H 3.3, 3.5.5; the reason from
 * parseSmp, Unspecified Reason for the order), and noble's 'fail' as on a wrong confirm.
 */
export function guardNobleSmp(proto: NobleSmpPrototype): void {
  const fail = (smp: NobleOwnSmp, reason: number) => {
    smp.write(PAIRING_FAILED.encode({ reason }));
    smp.emit('fail');
  };
  const onData = proto.onAclStreamData;
  proto.onAclStreamData = function (cid, data) {
    const parsed = cid === L2CAP_CID.SMP ? parseSmp(data) : undefined;
    if (parsed && !parsed.ok) fail(this, parsed.reason);
    else onData.call(this, cid, data);
  };
  const onConfirm = proto.handlePairingConfirm;
  proto.handlePairingConfirm = function (data) {
    if (this._pres) onConfirm.call(this, data);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
  const onRandom = proto.handlePairingRandom;
  proto.handlePairingRandom = function (data) {
    if (this._pres && this._pcnf) onRandom.call(this, data);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
  const onResponse = proto.handlePairingResponse;
  proto.handlePairingResponse = function (data) {
    if (this._preq && !this._pres) onResponse.call(this, data);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
}

const NOBLE_GUARDED = Symbol.for('blebench.noble-guarded');
/** Connection Parameter Update Request parameters: four 16-bit fields. Vol 3 Part A 4.20. */
const CONNECTION_PARAMETER_UPDATE_LENGTH = 8;

interface NobleHciPrototype {
  _aclQueue: Array<{ handle: number; packet: Buffer }>;
  _aclConnections: Map<number, { pending: number }>;
  _socket: { write(p: Buffer): void };
  /** Set per instance in noble's Hci constructor. */
  getAclBuffers(): Promise<{ num: number }>;
  flushAcl(): Promise<void>;
}

/**
 * Two more places where noble 1.9.2-26 throws (and the process ends): its LE signaling reads a
 * command and a Connection Parameter Update Request at fixed offsets (a short one is dropped here,
 * as noble answers no other command either), and its flushAcl, after awaiting the buffer count,
 * counts a queued packet against a connection that went down meanwhile (the packet is dropped, as
 * the controller flushes what was queued for a dead link). Vol 3 Part A 4, Vol 4 Part E 4.1.
 */
export function guardNobleInternals(): void {
  const signaling = (nobleRequire(NOBLE_SIGNALING_FILE) as { prototype: { onAclStreamData(cid: number, data: Buffer): void; [NOBLE_GUARDED]?: true } }).prototype;
  const hci = (nobleRequire(NOBLE_HCI_FILE) as { prototype: NobleHciPrototype & { [NOBLE_GUARDED]?: true } }).prototype;
  if (typeof signaling.onAclStreamData !== 'function' || typeof hci.flushAcl !== 'function') {
    throw new NobleInternalsChanged("noble's Signaling.onAclStreamData or Hci.flushAcl is gone");
  }
  if (!signaling[NOBLE_GUARDED]) {
    signaling[NOBLE_GUARDED] = true;
    const onData = signaling.onAclStreamData;
    signaling.onAclStreamData = function (cid, data) {
      if (cid === L2CAP_CID.LE_SIGNALING) {
        if (data.length < L2CAP_SIG_HEADER_LENGTH) return;
        if (data[0] === L2CAP_SIG.CONNECTION_PARAMETER_UPDATE_REQ && data.length < L2CAP_SIG_HEADER_LENGTH + CONNECTION_PARAMETER_UPDATE_LENGTH) return;
      }
      onData.call(this, cid, data);
    };
  }
  if (!hci[NOBLE_GUARDED]) {
    hci[NOBLE_GUARDED] = true;
    hci.flushAcl = async function (this: NobleHciPrototype) {
      const pending = () => [...this._aclConnections.values()].reduce((n, c) => n + c.pending, 0);
      const buffers = await this.getAclBuffers();
      while (this._aclQueue.length > 0 && pending() < buffers.num) {
        const { handle, packet } = this._aclQueue.shift()!;
        const connection = this._aclConnections.get(handle);
        if (!connection) continue;
        connection.pending++;
        this._socket.write(packet);
      }
    };
  }
}

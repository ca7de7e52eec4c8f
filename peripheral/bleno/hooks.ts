// The hooks this folder sets in one bleno load: the ATT channel taken before bleno's Gatt (its
// onAclStreamData calls this instance's handleRequest for CID 0x0004), and bleno's own SMP wrapped
// (a Pairing Request can be refused; PDUs of a wrong length or out of order get Pairing Failed
// instead of a crash). Core v5.4 Vol 3 Part H 3.3, 3.5.
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import { SMP_CODE, SMP_REASON } from '../../common/base/codes/smp.js';
import { parseSmp } from '../../common/stack/smp/pdu.js';
import type { BlenoGatt, BlenoInternals, BlenoSmp } from './internals.js';

/** Every PDU the central sends on the ATT channel, with the connection it came on. */
export type AttChannel = (connectionHandle: number, pdu: Buffer) => void;
/** A Pairing Request arrived: a Pairing Failed reason refuses it, undefined lets bleno answer. */
export type PairingGate = (pairingRequest: Buffer) => number | undefined;

export interface Gates {
  att: AttChannel | undefined;
  pairing: PairingGate | undefined;
}

/** Wraps this load's Gatt.handleRequest (instance) and Smp handlers (prototype of this load's module). */
export function interceptGattAndSmp(internals: BlenoInternals, smpToo: boolean): Gates {
  const gates: Gates = { att: undefined, pairing: undefined };
  // bleno's Gatt.onAclStreamData calls this.handleRequest for CID 0x0004 only: the ATT channel.
  // Without a channel (bleno loaded as a plain peer by tests, serving its own API's services) bleno's
  // own Gatt answers; with one, each link's AclStream gives its PDUs to the channel with its own
  // handle (connections.ts) and bleno's Gatt never answers. The peripheral role sets its channel
  // before it advertises.
  const gatt = internals.bindings._gatt;
  const own = gatt.handleRequest;
  gatt.handleRequest = function (this: BlenoGatt, pdu: Buffer) {
    if (!gates.att) own.call(this, pdu);
  };

  if (!smpToo) return gates; // blebench's Security Manager checks the pairing gate itself
  const smp = internals.smp;
  const fail = (s: BlenoSmp, reason: number) => {
    s.write(Buffer.from([SMP_CODE.PAIRING_FAILED, reason]));
    s.emit('fail');
  };
  // Vol 3 Part H 3.3: a command of the wrong length (bleno reads it at fixed offsets and throws, an
  // empty one included) gets Pairing Failed with the reason parseSmp gives.
  const onData = smp.onAclStreamData;
  smp.onAclStreamData = function (cid, data) {
    const parsed = cid === L2CAP_CID.SMP ? parseSmp(data) : undefined;
    if (parsed && !parsed.ok) fail(this, parsed.reason);
    else onData.call(this, cid, data);
  };
  const onRequest = smp.handlePairingRequest;
  smp.handlePairingRequest = function (pdu) {
    const refuse = gates.pairing?.(pdu);
    if (refuse === undefined) onRequest.call(this, pdu);
    else fail(this, refuse);
  };
  // Vol 3 Part H 3.5: Confirm before the feature exchange, or Random before Confirm, is out of order.
  const onConfirm = smp.handlePairingConfirm;
  smp.handlePairingConfirm = function (pdu) {
    if (this._pres) onConfirm.call(this, pdu);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
  const onRandom = smp.handlePairingRandom;
  smp.handlePairingRandom = function (pdu) {
    if (this._tk) onRandom.call(this, pdu);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
  return gates;
}


// LE Enhanced Connection Complete → LE Connection Complete, for hosts that take only the plain event.
// A controller sends the enhanced event (Core v5.4 Vol 4 Part E 7.7.65.10) instead of the plain one
// (7.7.65.1) once the host unmasks it (LE Set Event Mask bit 9), as Linux does with controller privacy
// and as blebench's host privacy does (host-privacy.ts). It adds Local_Resolvable_Private_Address and
// Peer_Resolvable_Private_Address, and its Peer_Address_Type may be 0x02/0x03: the identity behind an
// RPA the controller resolved. The plain event has room for neither: it gives that identity with type
// 0x00/0x01 (7.7.65.1 says Peer_Address_Type 0x00 public, 0x01 random), as a controller without the
// enhanced event unmasked does. The tap still sees the enhanced event the controller sent.
import { EVT, H4, LE_EVT } from '../../base/codes/hci.js';

/** H4 indicator, event code, parameter length, subevent code. */
const HEADER = 4;
/** Status, handle, role, peer address type, peer address (7.7.65.1/10). */
const HEAD = 1 + 2 + 1 + 1 + 6;
/** Local and peer RPAs (7.7.65.10 only). */
const RPAS = 6 + 6;
/** Interval, latency, supervision timeout, central clock accuracy. */
const TAIL = 2 + 2 + 2 + 1;
const PEER_ADDRESS_TYPE_AT = HEADER + 1 + 2 + 1;
/** 0x02/0x03 (resolved identity) → 0x00/0x01. */
const IDENTITY_TYPE_BIT = 0x01;

/** The plain LE Connection Complete for an LE Enhanced Connection Complete; undefined for any other packet, or a short one. */
export function toLegacyConnectionComplete(packet: Buffer): Buffer | undefined {
  if (packet[0] !== H4.EVENT || packet[1] !== EVT.LE_META || packet[3] !== LE_EVT.ENHANCED_CONNECTION_COMPLETE) return undefined;
  if (packet.length < HEADER + HEAD + RPAS + TAIL || packet[2] !== packet.length - 3) return undefined; // the kernel's share drops it (malformed.ts)
  const out = Buffer.concat([packet.subarray(0, HEADER + HEAD), packet.subarray(HEADER + HEAD + RPAS, HEADER + HEAD + RPAS + TAIL)]);
  out[2] = out.length - 3;
  out[3] = LE_EVT.CONNECTION_COMPLETE;
  out[PEER_ADDRESS_TYPE_AT] = out[PEER_ADDRESS_TYPE_AT]! & IDENTITY_TYPE_BIT;
  return out;
}

// Small builders and readers for the few HCI packets the seam itself sends or inspects.
// Core v5.4 Vol 4 Part E 5.4 (packet formats), 7.7.65 (LE Meta events), 7.8.25/26 (LTK replies).
import { EVT, H4, LE_EVT, OP } from '../../base/codes/hci.js';
import { formatAddressOctets } from '../../base/output/format.js';

export function hciCommand(op: number, params: Buffer = Buffer.alloc(0)): Buffer {
  const pkt = Buffer.alloc(4 + params.length);
  pkt[0] = H4.COMMAND;
  pkt.writeUInt16LE(op, 1);
  pkt[3] = params.length;
  params.copy(pkt, 4);
  return pkt;
}

/** LE Long Term Key Request Reply: handle(2) LTK(16). Vol 4 Part E 7.8.25. */
export function leLtkReply(handle: number, ltk: Buffer): Buffer {
  const p = Buffer.alloc(18);
  p.writeUInt16LE(handle, 0);
  ltk.copy(p, 2, 0, 16);
  return hciCommand(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, p);
}

/** LE Long Term Key Request Negative Reply: handle(2). Vol 4 Part E 7.8.26. */
export function leLtkNegativeReply(handle: number): Buffer {
  const p = Buffer.alloc(2);
  p.writeUInt16LE(handle, 0);
  return hciCommand(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY, p);
}

/** Address bytes as HCI carries them (little-endian) → 'AA:BB:CC:DD:EE:FF'. */
export function addressToString(le: Buffer): string {
  return formatAddressOctets(le);
}

export function addressToBuffer(text: string): Buffer {
  const hex = text.replace(/[:-]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) throw new RangeError(`not a Bluetooth device address: ${text}`);
  return Buffer.from(hex, 'hex').reverse();
}

export type SeamEvent =
  | { kind: 'connection'; handle: number; role: number; peerAddressType: number; peerAddress: Buffer }
  | { kind: 'disconnection'; handle: number; reason: number }
  | { kind: 'ltk-request'; handle: number; rand: Buffer; ediv: number }
  | { kind: 'other' };

/** Reads only what the kernel's share needs from a controller→host packet. Never throws. */
export function readSeamEvent(pkt: Buffer): SeamEvent {
  if (pkt.length < 3 || pkt[0] !== H4.EVENT) return { kind: 'other' };
  const code = pkt[1]!;
  const len = pkt[2]!;
  if (pkt.length < 3 + len) return { kind: 'other' };
  if (code === EVT.DISCONNECTION_COMPLETE && len >= 4) {
    if (pkt[3] !== 0) return { kind: 'other' };
    return { kind: 'disconnection', handle: pkt.readUInt16LE(4) & 0x0fff, reason: pkt[6]! };
  }
  if (code !== EVT.LE_META || len < 1) return { kind: 'other' };
  const sub = pkt[3]!;
  if ((sub === LE_EVT.CONNECTION_COMPLETE && len >= 19) || (sub === LE_EVT.ENHANCED_CONNECTION_COMPLETE && len >= 31)) {
    if (pkt[4] !== 0) return { kind: 'other' };
    return {
      kind: 'connection',
      handle: pkt.readUInt16LE(5) & 0x0fff,
      role: pkt[7]!,
      peerAddressType: pkt[8]!,
      peerAddress: Buffer.from(pkt.subarray(9, 15)),
    };
  }
  if (sub === LE_EVT.LONG_TERM_KEY_REQUEST && len >= 13) {
    return { kind: 'ltk-request', handle: pkt.readUInt16LE(4) & 0x0fff, rand: Buffer.from(pkt.subarray(6, 14)), ediv: pkt.readUInt16LE(14) };
  }
  return { kind: 'other' };
}

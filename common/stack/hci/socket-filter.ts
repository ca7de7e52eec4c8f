// The HCI raw socket filter as the Linux kernel applies it (net/bluetooth/hci_sock.c, struct hci_filter):
// type_mask(4) event_mask[2](8) opcode(2). A raw socket only sees packets its filter lets through.
import { EVT, H4 } from '../../base/codes/hci.js';

export interface HciFilter {
  typeMask: number;
  eventMask: [number, number];
  opcode: number;
}

export function parseHciFilter(buf: Buffer): HciFilter | undefined {
  if (buf.length < 14) return undefined;
  return { typeMask: buf.readUInt32LE(0), eventMask: [buf.readUInt32LE(4), buf.readUInt32LE(8)], opcode: buf.readUInt16LE(12) };
}

/** Whether a raw socket with this filter receives the packet (hci_sock.c is_filtered_packet, inverted). */
export function filterAccepts(filter: HciFilter | undefined, packet: Buffer): boolean {
  if (!filter || packet.length === 0) return true;
  const type = packet[0]!;
  if (type > 31 || !(filter.typeMask & (1 << type))) return false;
  if (type !== H4.EVENT) return true;
  if (packet.length < 2) return false;
  const evt = packet[1]! & 0x3f; // the kernel masks the event code with HCI_FLT_EVENT_BITS (63)
  const word = filter.eventMask[evt >> 5]!;
  if (!(word & (1 << (evt & 31)))) return false;
  if (filter.opcode) {
    if (packet[1] === EVT.COMMAND_COMPLETE && packet.length >= 6 && packet.readUInt16LE(4) !== filter.opcode) return false;
    if (packet[1] === EVT.COMMAND_STATUS && packet.length >= 7 && packet.readUInt16LE(5) !== filter.opcode) return false;
  }
  return true;
}

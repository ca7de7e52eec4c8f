// btsnoop file format, version 1 (RFC 1761 snoop style, as Wireshark and btmon read it). Big-endian throughout.
// File header: "btsnoop\0" (8), version (4) = 1, datalink (4) = 1002 (HCI UART / H4: each record is the H4
// packet with its indicator byte). Record: original length (4), included length (4), flags (4), cumulative
// drops (4), timestamp (8, signed µs since midnight 1 Jan 0 AD), then the packet.

export const BTSNOOP_MAGIC = Buffer.from('btsnoop\0', 'latin1');
export const BTSNOOP_VERSION = 1;
/** Datalink 1002: HCI UART (H4). */
export const BTSNOOP_DATALINK_H4 = 1002;
export const BTSNOOP_HEADER_LENGTH = 16;
export const BTSNOOP_RECORD_HEADER_LENGTH = 24;
/** Microseconds from 0 AD to the Unix epoch: 0x00dcddb30f2f8000. */
export const BTSNOOP_EPOCH_OFFSET_US = 0x00dcddb30f2f8000n;

/** Record flags: bit 0 direction (0 sent host → controller, 1 received); bit 1 command/event (1) or data (0). */
export const BTSNOOP_FLAG_RECEIVED = 0x01;
export const BTSNOOP_FLAG_COMMAND_OR_EVENT = 0x02;

export function btsnoopHeader(): Buffer {
  const h = Buffer.alloc(BTSNOOP_HEADER_LENGTH);
  BTSNOOP_MAGIC.copy(h, 0);
  h.writeUInt32BE(BTSNOOP_VERSION, 8);
  h.writeUInt32BE(BTSNOOP_DATALINK_H4, 12);
  return h;
}

// Capture file numbers: btsnoop datalinks, Linux monitor opcodes, PacketLogger record types, pcap link types.
// Sources: Wireshark wiretap/btsnoop.c, packetlogger.c, pcapng.c; BlueZ src/shared/btsnoop.h; tcpdump's
// link-type registry (https://www.tcpdump.org/linktypes.html); pcapng: IETF draft-ietf-opsawg-pcapng.

/** gzip member header ID1 ID2. RFC 1952 2.3.1. */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** btsnoop datalink types (file header offset 12). */
export const BTSNOOP_DATALINK = {
  /** Un-encapsulated HCI (H1): no indicator byte; flags bit 1 tells command/event from ACL. */
  H1: 1001,
  /** HCI UART (H4): the first octet is the H4 indicator. */
  H4: 1002,
  BCSP: 1003,
  H5: 1004,
  /** Linux monitor (btmon -w): flags = controller index << 16 | opcode. */
  MONITOR: 2001,
  SIMULATOR: 2002,
} as const;

/** Linux monitor opcodes (btsnoop 2001 flags, pcap 254 header). BlueZ src/shared/btsnoop.h. */
export const MONITOR_OP = {
  NEW_INDEX: 0,
  DEL_INDEX: 1,
  COMMAND_PKT: 2,
  EVENT_PKT: 3,
  ACL_TX_PKT: 4,
  ACL_RX_PKT: 5,
  SCO_TX_PKT: 6,
  SCO_RX_PKT: 7,
  OPEN_INDEX: 8,
  CLOSE_INDEX: 9,
  INDEX_INFO: 10,
  VENDOR_DIAG: 11,
  SYSTEM_NOTE: 12,
  USER_LOGGING: 13,
  CTRL_OPEN: 14,
  CTRL_CLOSE: 15,
  CTRL_COMMAND: 16,
  CTRL_EVENT: 17,
  ISO_TX_PKT: 18,
  ISO_RX_PKT: 19,
} as const;

const MONITOR_NAMES = new Map<number, string>(Object.entries(MONITOR_OP).map(([k, v]) => [v, k.toLowerCase().replace(/_/g, ' ')]));
export function monitorOpName(op: number): string {
  return MONITOR_NAMES.get(op) ?? `monitor opcode ${op}`;
}

/** Apple PacketLogger record types. Wireshark epan/dissectors/packet-packetlogger.c; BlueZ pklg_read_hci. */
export const PKLG_TYPE = {
  HCI_COMMAND: 0x00,
  HCI_EVENT: 0x01,
  ACL_SENT: 0x02,
  ACL_RECEIVED: 0x03,
  SCO_SENT: 0x08,
  SCO_RECEIVED: 0x09,
  LMP_SENT: 0x0a,
  LMP_RECEIVED: 0x0b,
  ISO_SENT: 0x12,
  ISO_RECEIVED: 0x13,
  SYSLOG: 0xf7,
  KERNEL: 0xf8,
  KERNEL_DEBUG: 0xf9,
  ERROR: 0xfa,
  POWER: 0xfb,
  NOTE: 0xfc,
  CONFIG: 0xfd,
  NEW_CONTROLLER: 0xfe,
} as const;
/** Octets of a PacketLogger record header after the length field: seconds (4), microseconds (4), type (1). */
export const PKLG_HEADER_AFTER_LENGTH = 9;

/** pcap / pcapng link types used for Bluetooth. tcpdump link-type registry. */
export const LINKTYPE = {
  BLUETOOTH_HCI_H4: 187,
  BLUETOOTH_HCI_H4_WITH_PHDR: 201,
  BLUETOOTH_LE_LL: 251,
  BLUETOOTH_LINUX_MONITOR: 254,
  BLUETOOTH_LE_LL_WITH_PHDR: 256,
  NORDIC_BLE: 272,
} as const;

/** pcap file magic numbers (microsecond and nanosecond resolution), as read big-endian. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/** pcapng block types. */
export const PCAPNG_BLOCK = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  PACKET_OBSOLETE: 0x00000002,
  SIMPLE_PACKET: 0x00000003,
  ENHANCED_PACKET: 0x00000006,
} as const;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Interface Description Block option: if_tsresol. */
export const PCAPNG_OPTION_IF_TSRESOL = 9;
/** Option: opt_comment. */
export const PCAPNG_OPTION_COMMENT = 1;
/** H4 with PHDR direction word (big-endian): bit 0 set when received. Wireshark pcap-common.c. */
export const BT_PHDR_RECEIVED = 0x00000001;

/** Android's filtered snoop cuts ACL packets to this many octets, the H4 indicator included. AOSP snoop_logger.cc. */
export const ANDROID_FILTERED_ACL_LENGTH = 14;

/** LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR: header length and the flag saying the payload was decrypted. tcpdump link-type page. */
export const LE_LL_PHDR_LENGTH = 10;
export const LE_LL_PHDR_FLAG_DECRYPTED = 0x0008;
/** LINKTYPE_NORDIC_BLE (v2/v3): board id (1) + Nordic header (6) before the BLE header; BLE header length 10. */
export const NORDIC_HEADER_LENGTH = 7;
export const NORDIC_BLE_HEADER_LENGTH = 10;
/** nRF Sniffer BLE header flags: bit 1 central → peripheral, bit 2 encrypted, bit 3 MIC OK. Wireshark packet-nordic_ble.c. */
export const NORDIC_FLAG_CENTRAL_TO_PERIPHERAL = 0x02;
export const NORDIC_FLAG_ENCRYPTED = 0x04;
export const NORDIC_FLAG_MIC_OK = 0x08;

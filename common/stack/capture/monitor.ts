// Linux monitor records (btsnoop datalink 2001 as btmon -w writes it, pcap link type 254): an opcode and a
// controller index per record. HCI opcodes become H4 packets; index and logging opcodes become notes.
// BlueZ src/shared/btsnoop.h (opcodes, New Index / Index Info / User Logging layouts), monitor/control.c.
import { MONITOR_OP, monitorOpName } from '../../base/codes/capture.js';
import { addressString } from '../trace/bytes.js';
import { h4Packet, type CaptureRecord, type HciKind } from './capture-record.js';
import type { Direction } from '../trace/timeline.js';

const HCI_OF_OP: Readonly<Record<number, readonly [HciKind, Direction]>> = {
  [MONITOR_OP.COMMAND_PKT]: ['command', 'tx'],
  [MONITOR_OP.EVENT_PKT]: ['event', 'rx'],
  [MONITOR_OP.ACL_TX_PKT]: ['acl', 'tx'],
  [MONITOR_OP.ACL_RX_PKT]: ['acl', 'rx'],
  [MONITOR_OP.SCO_TX_PKT]: ['sco', 'tx'],
  [MONITOR_OP.SCO_RX_PKT]: ['sco', 'rx'],
  [MONITOR_OP.ISO_TX_PKT]: ['iso', 'tx'],
  [MONITOR_OP.ISO_RX_PKT]: ['iso', 'rx'],
};

/** The monitor opcode and direction for an H4 packet kind (writers). */
export function monitorOpOf(kind: HciKind, dir: Direction): number {
  for (const [op, [k, d]] of Object.entries(HCI_OF_OP)) if (k === kind && (d === dir || kind === 'command' || kind === 'event')) return Number(op);
  return MONITOR_OP.EVENT_PKT;
}

const BUS = ['virtual', 'USB', 'PC Card', 'UART', 'RS232', 'PCI', 'SDIO', 'SPI', 'I2C', 'SMD', 'VIRTIO', 'IPC'];
const CONTROLLER_TYPE = ['primary', 'AMP'];
const NEW_INDEX_LENGTH = 16;
const INDEX_INFO_LENGTH = 8;

/** Text up to the first NUL (latin1, as the writer's C strings are bytes). */
export function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
}

interface Place {
  frame: number;
  unixMs: number;
  offset: number;
  originalLength: number;
}

export function monitorRecord(op: number, controller: number, payload: Buffer, at: Place): CaptureRecord {
  const hci = HCI_OF_OP[op];
  if (hci) {
    const [kind, dir] = hci;
    return { frame: at.frame, unixMs: at.unixMs, controller, offset: at.offset, type: 'hci', kind, dir, dirKnown: true, packet: h4Packet(kind, payload), originalLength: at.originalLength + 1 };
  }
  const base = { frame: at.frame, unixMs: at.unixMs, controller, offset: at.offset };
  switch (op) {
    case MONITOR_OP.NEW_INDEX: {
      if (payload.length < NEW_INDEX_LENGTH) return { ...base, type: 'note', source: 'new index', text: `controller ${controller} added (record too short: ${payload.length} of ${NEW_INDEX_LENGTH} octets)` };
      const type = CONTROLLER_TYPE[payload[0]!] ?? `type ${payload[0]}`;
      const bus = BUS[payload[1]!] ?? `bus ${payload[1]}`;
      return { ...base, type: 'note', source: 'new index', text: `controller ${controller} added: ${type}, ${bus}, ${addressString(payload.subarray(2, 8))}, "${cString(payload.subarray(8, 16))}"` };
    }
    case MONITOR_OP.DEL_INDEX:
      return { ...base, type: 'note', source: 'delete index', text: `controller ${controller} removed` };
    case MONITOR_OP.OPEN_INDEX:
      return { ...base, type: 'note', source: 'open index', text: `controller ${controller} opened` };
    case MONITOR_OP.CLOSE_INDEX:
      return { ...base, type: 'note', source: 'close index', text: `controller ${controller} closed` };
    case MONITOR_OP.INDEX_INFO: {
      if (payload.length < INDEX_INFO_LENGTH) return { ...base, type: 'note', source: 'index info', text: `controller ${controller} info (record too short)` };
      return { ...base, type: 'note', source: 'index info', text: `controller ${controller}: ${addressString(payload.subarray(0, 6))}, manufacturer ${payload.readUInt16LE(6)}` };
    }
    case MONITOR_OP.SYSTEM_NOTE:
      return { ...base, type: 'note', source: 'system note', text: cString(payload) };
    case MONITOR_OP.USER_LOGGING: {
      if (payload.length < 2) return { ...base, type: 'note', source: 'user logging', text: '' };
      const identLength = payload[1]!;
      const ident = cString(payload.subarray(2, 2 + identLength));
      const message = cString(payload.subarray(2 + identLength));
      return { ...base, type: 'note', source: 'user logging', text: ident ? `${ident}: ${message}` : message };
    }
    default:
      return { ...base, type: 'other', what: monitorOpName(op) };
  }
}

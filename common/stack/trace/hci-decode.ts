// One H4 packet → a timeline entry (commands, events, SCO, ISO) or an ACL header for reassembly.
// Core v5.4 Vol 4 Part A 2 (indicator), Part E 5.4.1 (command), 5.4.2 (ACL), 5.4.3 (SCO), 5.4.4 (event), 5.4.5 (ISO).
import { hex } from '../../base/codes/code-table.js';
import { ACL_PB, H4 } from '../../base/codes/hci.js';
import { problemOf } from './bytes.js';
import { commandEntryName, parseCommandParameters } from './hci-commands.js';
import { parseEvent } from './hci-events.js';
import { decoded, malformed, type Decoded, type MalformedFields, type Summarizer } from './timeline.js';

/** The ACL header, with the data as a view into the packet. Vol 4 Part E 5.4.2. */
export interface AclFields {
  handle: number;
  /** Packet_Boundary_Flag: 0b00 first non-flushable, 0b01 continuing, 0b10 first flushable. */
  packetBoundary: number;
  packetBoundaryName: string;
  broadcast: number;
  dataLength: number;
}
export interface AclPacket extends AclFields {
  data: Buffer;
}
/** SCO data header. Vol 4 Part E 5.4.3. */
export interface ScoFields {
  handle: number;
  packetStatus: number;
  dataLength: number;
}
/** ISO data header. Vol 4 Part E 5.4.5. */
export interface IsoFields {
  handle: number;
  packetBoundary: number;
  timestampPresent: boolean;
  dataLength: number;
}

const PB_NAMES = ['first non-flushable', 'continuing', 'first flushable', 'complete (reserved on LE)'];

/** Decode a command or event packet (indicator first). Never throws. */
export function decodeCommandOrEvent(packet: Buffer): Decoded<Record<string, unknown>> | Decoded<MalformedFields> {
  const indicator = packet[0];
  if (indicator === H4.COMMAND) {
    if (packet.length < 4) return malformed('hci-cmd', 'HCI Command', `truncated: the header needs 3 octets, ${packet.length - 1} present`, packet);
    const op = packet.readUInt16LE(1);
    const name = 'HCI ' + commandEntryName(op);
    const declared = packet[3]!;
    if (packet.length - 4 !== declared) {
      return malformed('hci-cmd', name, `Parameter_Total_Length says ${declared} octets, ${packet.length - 4} present`, packet, { code: op });
    }
    try {
      const { fields, summarize } = parseCommandParameters(op, packet.subarray(4));
      return decoded('hci-cmd', name, fields, packet, summarize, handleOf(fields));
    } catch (e) {
      return malformed('hci-cmd', name, problemOf(e), packet, { code: op });
    }
  }
  // H4.EVENT
  if (packet.length < 3) return malformed('hci-evt', 'HCI Event', `truncated: the header needs 2 octets, ${packet.length - 1} present`, packet);
  const code = packet[1]!;
  const declared = packet[2]!;
  if (packet.length - 3 !== declared) {
    return malformed('hci-evt', `HCI Event ${hex(code)}`, `Parameter_Total_Length says ${declared} octets, ${packet.length - 3} present`, packet, { code });
  }
  try {
    const { name, fields, summarize } = parseEvent(code, packet.subarray(3));
    return decoded('hci-evt', 'HCI ' + name, fields, packet, summarize, handleOf(fields));
  } catch (e) {
    return malformed('hci-evt', `HCI Event ${hex(code)}`, problemOf(e), packet, { code });
  }
}

function handleOf(fields: Record<string, unknown>): number | undefined {
  return typeof fields.handle === 'number' ? fields.handle : undefined;
}

/** Parse the ACL header; the length must match the packet. Never throws. */
export function parseAcl(packet: Buffer): AclPacket | Decoded<MalformedFields> {
  if (packet.length < 5) return malformed('hci-acl', 'HCI ACL Data', `truncated: the header needs 4 octets, ${packet.length - 1} present`, packet);
  const hf = packet.readUInt16LE(1);
  const handle = hf & 0x0fff;
  const packetBoundary = (hf >> 12) & 0x3;
  const broadcast = (hf >> 14) & 0x3;
  const dataLength = packet.readUInt16LE(3);
  if (packet.length - 5 !== dataLength) {
    return malformed('hci-acl', 'HCI ACL Data', `Data_Total_Length says ${dataLength} octets, ${packet.length - 5} present`, packet, { handle });
  }
  return { handle, packetBoundary, packetBoundaryName: PB_NAMES[packetBoundary]!, broadcast, dataLength, data: packet.subarray(5) };
}

const aclSummary: Summarizer<AclFields> = (f) => `handle ${hex(f.handle, 4)}, ${f.packetBoundaryName}, ${f.dataLength} octets`;

/** The hci-acl entry for a parsed ACL packet (only when the tap is asked for ACL entries). */
export function aclEntry(acl: AclPacket, packet: Buffer): Decoded<AclFields> {
  const fields: AclFields = { handle: acl.handle, packetBoundary: acl.packetBoundary, packetBoundaryName: acl.packetBoundaryName, broadcast: acl.broadcast, dataLength: acl.dataLength };
  return decoded('hci-acl', 'HCI ACL Data', fields, packet, aclSummary, acl.handle);
}

/** Whether the ACL packet starts an L2CAP PDU. Vol 4 Part E 5.4.2. */
export function isAclStart(pb: number): boolean {
  return pb === ACL_PB.FIRST_NON_FLUSHABLE || pb === ACL_PB.FIRST_FLUSHABLE;
}

/** SCO or ISO data: header only. Never throws. */
export function decodeScoOrIso(packet: Buffer): Decoded<ScoFields> | Decoded<IsoFields> | Decoded<MalformedFields> {
  if (packet[0] === H4.SCO) {
    if (packet.length < 4) return malformed('hci-sco', 'HCI SCO Data', `truncated: the header needs 3 octets, ${packet.length - 1} present`, packet);
    const hf = packet.readUInt16LE(1);
    const dataLength = packet[3]!;
    if (packet.length - 4 !== dataLength) return malformed('hci-sco', 'HCI SCO Data', `Data_Total_Length says ${dataLength} octets, ${packet.length - 4} present`, packet);
    const f: ScoFields = { handle: hf & 0x0fff, packetStatus: (hf >> 12) & 0x3, dataLength };
    return decoded('hci-sco', 'HCI SCO Data', f, packet, (x) => `handle ${hex(x.handle, 4)}, ${x.dataLength} octets`, f.handle);
  }
  if (packet.length < 5) return malformed('hci-iso', 'HCI ISO Data', `truncated: the header needs 4 octets, ${packet.length - 1} present`, packet);
  const hf = packet.readUInt16LE(1);
  const dataLength = packet.readUInt16LE(3) & 0x3fff;
  if (packet.length - 5 !== dataLength) return malformed('hci-iso', 'HCI ISO Data', `ISO_Data_Load_Length says ${dataLength} octets, ${packet.length - 5} present`, packet);
  const f: IsoFields = { handle: hf & 0x0fff, packetBoundary: (hf >> 12) & 0x3, timestampPresent: ((hf >> 14) & 1) === 1, dataLength };
  return decoded('hci-iso', 'HCI ISO Data', f, packet, (x) => `handle ${hex(x.handle, 4)}, ${x.dataLength} octets`, f.handle);
}

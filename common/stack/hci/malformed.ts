// Packets from the controller too short for their own fields: an HCI event shorter than its fixed
// parameters (Core v5.4 Vol 4 Part E 7.7; for Command Complete, the return parameters of the
// commands noble and bleno parse), or an ACL start fragment without a whole L2CAP basic header
// (Vol 3 Part A 3.1). Linux's own host stack drops such packets (net/bluetooth/hci_event.c
// "unexpected event ... length", l2cap_core.c "Frame is too short"); noble and bleno read fields at
// fixed offsets without checking and throw, which ends the process. On the transports whose
// controller we own, the seam drops them before any host sees them (the tap still records them).
// Through a kernel raw socket (hci:N) they would still reach the stacks.
import { ACL_PB, EVT, H4, LE_EVT, OP } from '../../base/codes/hci.js';
import { L2CAP_HEADER_LENGTH } from '../../base/codes/l2cap.js';

/** Event header after the indicator: Event_Code(1), Parameter_Total_Length(1). Vol 4 Part E 5.4.4. */
const EVENT_HEADER = 3;

/** Fixed part of the event parameters, in octets. */
const EVENT_MIN: ReadonlyMap<number, number> = new Map([
  [EVT.DISCONNECTION_COMPLETE, 4], // 7.7.5
  [EVT.ENCRYPTION_CHANGE, 4], // 7.7.8
  [EVT.READ_REMOTE_VERSION_INFORMATION_COMPLETE, 8], // 7.7.12
  [EVT.COMMAND_COMPLETE, 3], // 7.7.14: Num_HCI_Command_Packets, Command_Opcode (return parameters below)
  [EVT.COMMAND_STATUS, 4], // 7.7.15
  [EVT.HARDWARE_ERROR, 1], // 7.7.16
  [EVT.NUMBER_OF_COMPLETED_PACKETS, 1], // 7.7.19: Num_Handles, then 4 octets per handle (below)
  [EVT.DATA_BUFFER_OVERFLOW, 1], // 7.7.26
  [EVT.ENCRYPTION_KEY_REFRESH_COMPLETE, 3], // 7.7.39
  [EVT.LE_META, 2], // 7.7.65: Subevent_Code, then parameters (every LE subevent defined has some; bleno reads a status octet from any)
  [EVT.AUTHENTICATED_PAYLOAD_TIMEOUT_EXPIRED, 2], // 7.7.75
  [EVT.ENCRYPTION_CHANGE_V2, 5], // 7.7.8
]);

/** Fixed part of LE Meta parameters, Subevent_Code included. Vol 4 Part E 7.7.65.x. */
const LE_MIN: ReadonlyMap<number, number> = new Map([
  [LE_EVT.CONNECTION_COMPLETE, 19], // .1
  [LE_EVT.ADVERTISING_REPORT, 2], // .2: Num_Reports, then the reports (walked below)
  [LE_EVT.CONNECTION_UPDATE_COMPLETE, 10], // .3
  [LE_EVT.READ_REMOTE_FEATURES_COMPLETE, 12], // .4
  [LE_EVT.LONG_TERM_KEY_REQUEST, 13], // .5
  [LE_EVT.REMOTE_CONNECTION_PARAMETER_REQUEST, 11], // .6
  [LE_EVT.DATA_LENGTH_CHANGE, 11], // .7
  [LE_EVT.READ_LOCAL_P256_PUBLIC_KEY_COMPLETE, 66], // .8
  [LE_EVT.GENERATE_DHKEY_COMPLETE, 34], // .9
  [LE_EVT.ENHANCED_CONNECTION_COMPLETE, 31], // .10
  [LE_EVT.DIRECTED_ADVERTISING_REPORT, 2], // .11
  [LE_EVT.PHY_UPDATE_COMPLETE, 6], // .12
  [LE_EVT.EXTENDED_ADVERTISING_REPORT, 2], // .13
  [LE_EVT.ADVERTISING_SET_TERMINATED, 6], // .18
  [LE_EVT.SCAN_REQUEST_RECEIVED, 9], // .19
  [LE_EVT.CHANNEL_SELECTION_ALGORITHM, 4], // .20
]);

/** Return parameters (Status included) of a successful command the stacks parse. Vol 4 Part E 7.3-7.8. */
const RETURN_LENGTH: ReadonlyMap<number, number> = new Map([
  [OP.READ_LOCAL_VERSION_INFORMATION, 9], // 7.4.1
  [OP.READ_LOCAL_SUPPORTED_COMMANDS, 65], // 7.4.2
  [OP.READ_LOCAL_SUPPORTED_FEATURES, 9], // 7.4.3
  [OP.READ_BUFFER_SIZE, 8], // 7.4.5
  [OP.READ_BD_ADDR, 7], // 7.4.6
  [OP.READ_RSSI, 4], // 7.5.4
  [OP.READ_LE_HOST_SUPPORT, 3], // 7.3.78
  [OP.LE_READ_BUFFER_SIZE, 4], // 7.8.2
  [OP.LE_READ_LOCAL_SUPPORTED_FEATURES, 9], // 7.8.3
  [OP.LE_READ_ADVERTISING_PHYSICAL_CHANNEL_TX_POWER, 2], // 7.8.6
  [OP.LE_ENCRYPT, 17], // 7.8.22
  [OP.LE_RAND, 9], // 7.8.23
  [OP.LE_LONG_TERM_KEY_REQUEST_REPLY, 3], // 7.8.25
  [OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY, 3], // 7.8.26
  [OP.LE_READ_SUPPORTED_STATES, 9], // 7.8.27
]);
/** Command Complete for the No Operation opcode 0x0000 carries no return parameters. 7.7.14. */
const NOP_OPCODE = 0x0000;
/** Advertising report: Event_Type, Address_Type, Address(6), Data_Length, Data, RSSI. 7.7.65.2. */
const ADV_REPORT_FIXED = 10;

function advertisingReportsFit(params: Buffer): boolean {
  const n = params[1]!;
  let at = 2;
  for (let i = 0; i < n; i++) {
    if (at + ADV_REPORT_FIXED > params.length) return false;
    at += ADV_REPORT_FIXED + params[at + 8]!;
  }
  return at <= params.length;
}

/** Why this H4 event is malformed (too short for its own fields), or undefined when it is not. */
export function malformedEvent(packet: Buffer): string | undefined {
  if (packet[0] !== H4.EVENT) return undefined;
  if (packet.length < EVENT_HEADER || packet[2] !== packet.length - EVENT_HEADER) return 'the parameter length octet does not match the packet';
  const code = packet[1]!;
  const params = packet.subarray(EVENT_HEADER);
  const min = EVENT_MIN.get(code);
  if (min !== undefined && params.length < min) return `${params.length} parameter octets, fewer than the ${min} this event has`;
  if (code === EVT.NUMBER_OF_COMPLETED_PACKETS && params.length < 1 + 4 * params[0]!) return `Num_Handles ${params[0]} needs ${1 + 4 * params[0]!} octets, got ${params.length}`;
  if (code === EVT.COMMAND_COMPLETE) {
    const opcode = params.readUInt16LE(1);
    if (opcode !== NOP_OPCODE && params.length < 4) return 'a Command Complete without a Status';
    const want = RETURN_LENGTH.get(opcode);
    if (want !== undefined && params[3] === 0 && params.length - 3 < want) return `return parameters of ${params.length - 3} octets, fewer than ${want}`;
  }
  if (code === EVT.LE_META) {
    const sub = params[0]!;
    const leMin = LE_MIN.get(sub);
    if (leMin !== undefined && params.length < leMin) return `${params.length} parameter octets, fewer than the ${leMin} this LE subevent has`;
    if (sub === LE_EVT.ADVERTISING_REPORT && !advertisingReportsFit(params)) return 'advertising reports run past the end of the event';
  }
  return undefined;
}

/** ACL header after the indicator: Handle and flags(2), Data_Total_Length(2). Vol 4 Part E 5.4.2. */
const ACL_HEADER = 5;
const PB_SHIFT = 12;

/** Why this H4 ACL packet is malformed (a start fragment without the L2CAP header), or undefined. */
export function malformedAcl(packet: Buffer): string | undefined {
  if (packet[0] !== H4.ACL) return undefined;
  if (packet.length < ACL_HEADER || packet.readUInt16LE(3) !== packet.length - ACL_HEADER) return 'the data length does not match the packet';
  const pb = (packet.readUInt16LE(1) >> PB_SHIFT) & 0b11;
  if (pb !== ACL_PB.CONTINUING && packet.length - ACL_HEADER < L2CAP_HEADER_LENGTH) return `a start fragment of ${packet.length - ACL_HEADER} octets, shorter than the L2CAP basic header`;
  return undefined;
}

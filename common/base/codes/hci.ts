// HCI numbers: packet indicators, opcodes, events, LE subevents, status codes.
// Core v5.4 Vol 4 Part A 2 (H4 packet indicators), Part E 5.4 (packet formats), 7 (commands and events),
// Vol 1 Part F 1.3 (error codes).
import { codeTable, describeCode, type CodeInfo } from './code-table.js';
import { hex } from './code-table.js';

/** H4 packet indicator, the first byte of every packet on the seam. Core v5.4 Vol 4 Part A 2. */
export const H4 = {
  COMMAND: 0x01,
  ACL: 0x02,
  SCO: 0x03,
  EVENT: 0x04,
  ISO: 0x05,
} as const;
export type H4Type = (typeof H4)[keyof typeof H4];

export const OGF = {
  LINK_CONTROL: 0x01,
  LINK_POLICY: 0x02,
  CONTROLLER_BASEBAND: 0x03,
  INFORMATIONAL: 0x04,
  STATUS: 0x05,
  TESTING: 0x06,
  LE: 0x08,
  VENDOR: 0x3f,
} as const;

export const opcode = (ogf: number, ocf: number): number => ((ogf & 0x3f) << 10) | (ocf & 0x3ff);
export const ogfOf = (op: number): number => op >> 10;
export const ocfOf = (op: number): number => op & 0x3ff;

/** HCI command opcodes the virtual controller implements or the tap names. Core v5.4 Vol 4 Part E 7. */
export const OP = {
  DISCONNECT: opcode(OGF.LINK_CONTROL, 0x0006),
  READ_REMOTE_VERSION_INFORMATION: opcode(OGF.LINK_CONTROL, 0x001d),

  SET_EVENT_MASK: opcode(OGF.CONTROLLER_BASEBAND, 0x0001),
  RESET: opcode(OGF.CONTROLLER_BASEBAND, 0x0003),
  SET_EVENT_FILTER: opcode(OGF.CONTROLLER_BASEBAND, 0x0005),
  WRITE_LOCAL_NAME: opcode(OGF.CONTROLLER_BASEBAND, 0x0013),
  READ_LOCAL_NAME: opcode(OGF.CONTROLLER_BASEBAND, 0x0014),
  WRITE_SCAN_ENABLE: opcode(OGF.CONTROLLER_BASEBAND, 0x001a),
  WRITE_CLASS_OF_DEVICE: opcode(OGF.CONTROLLER_BASEBAND, 0x0024),
  READ_TRANSMIT_POWER_LEVEL: opcode(OGF.CONTROLLER_BASEBAND, 0x002d),
  SET_CONTROLLER_TO_HOST_FLOW_CONTROL: opcode(OGF.CONTROLLER_BASEBAND, 0x0031),
  HOST_BUFFER_SIZE: opcode(OGF.CONTROLLER_BASEBAND, 0x0033),
  HOST_NUMBER_OF_COMPLETED_PACKETS: opcode(OGF.CONTROLLER_BASEBAND, 0x0035),
  WRITE_INQUIRY_MODE: opcode(OGF.CONTROLLER_BASEBAND, 0x0045),
  READ_SIMPLE_PAIRING_MODE: opcode(OGF.CONTROLLER_BASEBAND, 0x0055),
  WRITE_SIMPLE_PAIRING_MODE: opcode(OGF.CONTROLLER_BASEBAND, 0x0056),
  SET_EVENT_MASK_PAGE_2: opcode(OGF.CONTROLLER_BASEBAND, 0x0063),
  READ_LE_HOST_SUPPORT: opcode(OGF.CONTROLLER_BASEBAND, 0x006c),
  WRITE_LE_HOST_SUPPORT: opcode(OGF.CONTROLLER_BASEBAND, 0x006d),
  READ_SECURE_CONNECTIONS_HOST_SUPPORT: opcode(OGF.CONTROLLER_BASEBAND, 0x0079),
  WRITE_SECURE_CONNECTIONS_HOST_SUPPORT: opcode(OGF.CONTROLLER_BASEBAND, 0x007a),
  READ_AUTHENTICATED_PAYLOAD_TIMEOUT: opcode(OGF.CONTROLLER_BASEBAND, 0x007b),
  WRITE_AUTHENTICATED_PAYLOAD_TIMEOUT: opcode(OGF.CONTROLLER_BASEBAND, 0x007c),

  READ_LOCAL_VERSION_INFORMATION: opcode(OGF.INFORMATIONAL, 0x0001),
  READ_LOCAL_SUPPORTED_COMMANDS: opcode(OGF.INFORMATIONAL, 0x0002),
  READ_LOCAL_SUPPORTED_FEATURES: opcode(OGF.INFORMATIONAL, 0x0003),
  READ_LOCAL_EXTENDED_FEATURES: opcode(OGF.INFORMATIONAL, 0x0004),
  READ_BUFFER_SIZE: opcode(OGF.INFORMATIONAL, 0x0005),
  READ_BD_ADDR: opcode(OGF.INFORMATIONAL, 0x0009),

  READ_RSSI: opcode(OGF.STATUS, 0x0005),
  READ_ENCRYPTION_KEY_SIZE: opcode(OGF.STATUS, 0x0008),

  LE_SET_EVENT_MASK: opcode(OGF.LE, 0x0001),
  LE_READ_BUFFER_SIZE: opcode(OGF.LE, 0x0002),
  LE_READ_LOCAL_SUPPORTED_FEATURES: opcode(OGF.LE, 0x0003),
  LE_SET_RANDOM_ADDRESS: opcode(OGF.LE, 0x0005),
  LE_SET_ADVERTISING_PARAMETERS: opcode(OGF.LE, 0x0006),
  LE_READ_ADVERTISING_PHYSICAL_CHANNEL_TX_POWER: opcode(OGF.LE, 0x0007),
  LE_SET_ADVERTISING_DATA: opcode(OGF.LE, 0x0008),
  LE_SET_SCAN_RESPONSE_DATA: opcode(OGF.LE, 0x0009),
  LE_SET_ADVERTISING_ENABLE: opcode(OGF.LE, 0x000a),
  LE_SET_SCAN_PARAMETERS: opcode(OGF.LE, 0x000b),
  LE_SET_SCAN_ENABLE: opcode(OGF.LE, 0x000c),
  LE_CREATE_CONNECTION: opcode(OGF.LE, 0x000d),
  LE_CREATE_CONNECTION_CANCEL: opcode(OGF.LE, 0x000e),
  LE_READ_FILTER_ACCEPT_LIST_SIZE: opcode(OGF.LE, 0x000f),
  LE_CLEAR_FILTER_ACCEPT_LIST: opcode(OGF.LE, 0x0010),
  LE_ADD_DEVICE_TO_FILTER_ACCEPT_LIST: opcode(OGF.LE, 0x0011),
  LE_REMOVE_DEVICE_FROM_FILTER_ACCEPT_LIST: opcode(OGF.LE, 0x0012),
  LE_CONNECTION_UPDATE: opcode(OGF.LE, 0x0013),
  LE_SET_HOST_CHANNEL_CLASSIFICATION: opcode(OGF.LE, 0x0014),
  LE_READ_CHANNEL_MAP: opcode(OGF.LE, 0x0015),
  LE_READ_REMOTE_FEATURES: opcode(OGF.LE, 0x0016),
  LE_ENCRYPT: opcode(OGF.LE, 0x0017),
  LE_RAND: opcode(OGF.LE, 0x0018),
  LE_ENABLE_ENCRYPTION: opcode(OGF.LE, 0x0019),
  LE_LONG_TERM_KEY_REQUEST_REPLY: opcode(OGF.LE, 0x001a),
  LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY: opcode(OGF.LE, 0x001b),
  LE_READ_SUPPORTED_STATES: opcode(OGF.LE, 0x001c),
  LE_REMOTE_CONNECTION_PARAMETER_REQUEST_REPLY: opcode(OGF.LE, 0x0020),
  LE_REMOTE_CONNECTION_PARAMETER_REQUEST_NEGATIVE_REPLY: opcode(OGF.LE, 0x0021),
  LE_SET_DATA_LENGTH: opcode(OGF.LE, 0x0022),
  LE_READ_SUGGESTED_DEFAULT_DATA_LENGTH: opcode(OGF.LE, 0x0023),
  LE_WRITE_SUGGESTED_DEFAULT_DATA_LENGTH: opcode(OGF.LE, 0x0024),
  LE_READ_LOCAL_P256_PUBLIC_KEY: opcode(OGF.LE, 0x0025),
  LE_GENERATE_DHKEY: opcode(OGF.LE, 0x0026),
  LE_ADD_DEVICE_TO_RESOLVING_LIST: opcode(OGF.LE, 0x0027),
  LE_REMOVE_DEVICE_FROM_RESOLVING_LIST: opcode(OGF.LE, 0x0028),
  LE_CLEAR_RESOLVING_LIST: opcode(OGF.LE, 0x0029),
  LE_READ_RESOLVING_LIST_SIZE: opcode(OGF.LE, 0x002a),
  LE_READ_PEER_RESOLVABLE_ADDRESS: opcode(OGF.LE, 0x002b),
  LE_READ_LOCAL_RESOLVABLE_ADDRESS: opcode(OGF.LE, 0x002c),
  LE_SET_ADDRESS_RESOLUTION_ENABLE: opcode(OGF.LE, 0x002d),
  LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT: opcode(OGF.LE, 0x002e),
  LE_READ_MAXIMUM_DATA_LENGTH: opcode(OGF.LE, 0x002f),
  LE_READ_PHY: opcode(OGF.LE, 0x0030),
  LE_SET_DEFAULT_PHY: opcode(OGF.LE, 0x0031),
  LE_SET_PHY: opcode(OGF.LE, 0x0032),
  LE_SET_ADVERTISING_SET_RANDOM_ADDRESS: opcode(OGF.LE, 0x0035),
  LE_SET_EXTENDED_ADVERTISING_PARAMETERS: opcode(OGF.LE, 0x0036),
  LE_SET_EXTENDED_ADVERTISING_DATA: opcode(OGF.LE, 0x0037),
  LE_SET_EXTENDED_SCAN_RESPONSE_DATA: opcode(OGF.LE, 0x0038),
  LE_SET_EXTENDED_ADVERTISING_ENABLE: opcode(OGF.LE, 0x0039),
  LE_READ_MAXIMUM_ADVERTISING_DATA_LENGTH: opcode(OGF.LE, 0x003a),
  LE_READ_NUMBER_OF_SUPPORTED_ADVERTISING_SETS: opcode(OGF.LE, 0x003b),
  LE_REMOVE_ADVERTISING_SET: opcode(OGF.LE, 0x003c),
  LE_CLEAR_ADVERTISING_SETS: opcode(OGF.LE, 0x003d),
  LE_SET_EXTENDED_SCAN_PARAMETERS: opcode(OGF.LE, 0x0041),
  LE_SET_EXTENDED_SCAN_ENABLE: opcode(OGF.LE, 0x0042),
  LE_EXTENDED_CREATE_CONNECTION: opcode(OGF.LE, 0x0043),
  LE_READ_TRANSMIT_POWER: opcode(OGF.LE, 0x004b),
  LE_SET_PRIVACY_MODE: opcode(OGF.LE, 0x004e),
} as const;
export type OpcodeName = keyof typeof OP;

/**
 * Zephyr's vendor-specific commands (OGF 0x3F), as its controller (hci_uart, hci_usb) implements them:
 * zephyr include/zephyr/bluetooth/hci_vs.h (BT_HCI_OP_VS_*), subsys/bluetooth/controller/hci/hci.c.
 * Linux uses Write BD_ADDR the same way (drivers/bluetooth/virtio_bt.c, virtbt_set_bdaddr_zephyr).
 */
export const VS_OP = {
  /** BT_HCI_OP_VS_WRITE_BD_ADDR: parameter BD_ADDR (6 octets, little-endian); Command Complete with Status. */
  ZEPHYR_WRITE_BD_ADDR: opcode(OGF.VENDOR, 0x0006),
} as const;
/** Parameter length of Zephyr Write BD_ADDR (struct bt_hci_cp_vs_write_bd_addr). */
export const VS_WRITE_BD_ADDR_LENGTH = 6;

const opcodeNames = new Map<number, string>(
  [...Object.entries(OP), ...Object.entries(VS_OP)].map(([k, v]) => [v, titleCase(k)]),
);

/** "LE Set Advertising Data" for 0x2008; "Vendor 0xFC01" or "Unknown 0x0C7F" otherwise. */
export function opcodeName(op: number): string {
  const known = opcodeNames.get(op);
  if (known) return known;
  if (ogfOf(op) === OGF.VENDOR) return `Vendor Command ${hex(op, 4)}`;
  return `Unknown Command ${hex(op, 4)}`;
}

/** HCI event codes. Core v5.4 Vol 4 Part E 7.7. */
export const EVT = {
  DISCONNECTION_COMPLETE: 0x05,
  ENCRYPTION_CHANGE: 0x08,
  READ_REMOTE_VERSION_INFORMATION_COMPLETE: 0x0c,
  COMMAND_COMPLETE: 0x0e,
  COMMAND_STATUS: 0x0f,
  HARDWARE_ERROR: 0x10,
  NUMBER_OF_COMPLETED_PACKETS: 0x13,
  DATA_BUFFER_OVERFLOW: 0x1a,
  ENCRYPTION_KEY_REFRESH_COMPLETE: 0x30,
  LE_META: 0x3e,
  AUTHENTICATED_PAYLOAD_TIMEOUT_EXPIRED: 0x57,
  ENCRYPTION_CHANGE_V2: 0x59,
  VENDOR: 0xff,
} as const;

const eventNames = new Map<number, string>(Object.entries(EVT).map(([k, v]) => [v, titleCase(k)]));
export function eventName(code: number): string {
  return eventNames.get(code) ?? `Unknown Event ${hex(code)}`;
}

/** LE Meta event subevent codes. Core v5.4 Vol 4 Part E 7.7.65. */
export const LE_EVT = {
  CONNECTION_COMPLETE: 0x01,
  ADVERTISING_REPORT: 0x02,
  CONNECTION_UPDATE_COMPLETE: 0x03,
  READ_REMOTE_FEATURES_COMPLETE: 0x04,
  LONG_TERM_KEY_REQUEST: 0x05,
  REMOTE_CONNECTION_PARAMETER_REQUEST: 0x06,
  DATA_LENGTH_CHANGE: 0x07,
  READ_LOCAL_P256_PUBLIC_KEY_COMPLETE: 0x08,
  GENERATE_DHKEY_COMPLETE: 0x09,
  ENHANCED_CONNECTION_COMPLETE: 0x0a,
  DIRECTED_ADVERTISING_REPORT: 0x0b,
  PHY_UPDATE_COMPLETE: 0x0c,
  EXTENDED_ADVERTISING_REPORT: 0x0d,
  PERIODIC_ADVERTISING_SYNC_ESTABLISHED: 0x0e,
  PERIODIC_ADVERTISING_REPORT: 0x0f,
  PERIODIC_ADVERTISING_SYNC_LOST: 0x10,
  ADVERTISING_SET_TERMINATED: 0x12,
  SCAN_REQUEST_RECEIVED: 0x13,
  SCAN_TIMEOUT: 0x11,
  CHANNEL_SELECTION_ALGORITHM: 0x14,
} as const;

const leEventNames = new Map<number, string>(Object.entries(LE_EVT).map(([k, v]) => [v, 'LE ' + titleCase(k)]));
export function leEventName(code: number): string {
  return leEventNames.get(code) ?? `LE Unknown Subevent ${hex(code)}`;
}

/** ACL Packet_Boundary_Flag values. Core v5.4 Vol 4 Part E 5.4.2. */
export const ACL_PB = {
  FIRST_NON_FLUSHABLE: 0b00,
  CONTINUING: 0b01,
  FIRST_FLUSHABLE: 0b10,
} as const;

/** ACL Broadcast_Flag values. Core v5.4 Vol 4 Part E 5.4.2. */
export const ACL_BC = { POINT_TO_POINT: 0b00 } as const;

/** Address types as HCI carries them. Core v5.4 Vol 4 Part E 7.8.12. */
export const ADDRESS_TYPE = { PUBLIC: 0x00, RANDOM: 0x01, PUBLIC_IDENTITY: 0x02, RANDOM_IDENTITY: 0x03 } as const;

/** Privacy_Mode of LE Set Privacy Mode. Core v5.4 Vol 4 Part E 7.8.77. */
export const PRIVACY_MODE = { NETWORK: 0x00, DEVICE: 0x01 } as const;

/** Address_Resolution_Enable, RPA_Timeout range (seconds) and default. Core v5.4 Vol 4 Part E 7.8.44, 7.8.45. */
export const RPA_TIMEOUT_S = { MIN: 0x0001, MAX: 0x0e10, DEFAULT: 0x0384 } as const;

/** Connection roles in LE Connection Complete. Core v5.4 Vol 4 Part E 7.7.65.1. */
export const ROLE = { CENTRAL: 0x00, PERIPHERAL: 0x01 } as const;

/** HCI status / error codes. Core v5.4 Vol 1 Part F 1.3. */
export const HCI_STATUS = {
  SUCCESS: 0x00,
  UNKNOWN_HCI_COMMAND: 0x01,
  UNKNOWN_CONNECTION_IDENTIFIER: 0x02,
  HARDWARE_FAILURE: 0x03,
  PAGE_TIMEOUT: 0x04,
  AUTHENTICATION_FAILURE: 0x05,
  PIN_OR_KEY_MISSING: 0x06,
  MEMORY_CAPACITY_EXCEEDED: 0x07,
  CONNECTION_TIMEOUT: 0x08,
  CONNECTION_LIMIT_EXCEEDED: 0x09,
  CONNECTION_ALREADY_EXISTS: 0x0b,
  COMMAND_DISALLOWED: 0x0c,
  CONNECTION_REJECTED_LIMITED_RESOURCES: 0x0d,
  CONNECTION_REJECTED_SECURITY_REASONS: 0x0e,
  CONNECTION_ACCEPT_TIMEOUT_EXCEEDED: 0x10,
  UNSUPPORTED_FEATURE_OR_PARAMETER_VALUE: 0x11,
  INVALID_HCI_COMMAND_PARAMETERS: 0x12,
  REMOTE_USER_TERMINATED_CONNECTION: 0x13,
  REMOTE_DEVICE_TERMINATED_LOW_RESOURCES: 0x14,
  REMOTE_DEVICE_TERMINATED_POWER_OFF: 0x15,
  CONNECTION_TERMINATED_BY_LOCAL_HOST: 0x16,
  REPEATED_ATTEMPTS: 0x17,
  PAIRING_NOT_ALLOWED: 0x18,
  UNSUPPORTED_REMOTE_FEATURE: 0x1a,
  INVALID_LL_PARAMETERS: 0x1e,
  UNSPECIFIED_ERROR: 0x1f,
  UNSUPPORTED_LL_PARAMETER_VALUE: 0x20,
  LL_RESPONSE_TIMEOUT: 0x22,
  LL_PROCEDURE_COLLISION: 0x23,
  ENCRYPTION_MODE_NOT_ACCEPTABLE: 0x25,
  INSTANT_PASSED: 0x28,
  PAIRING_WITH_UNIT_KEY_NOT_SUPPORTED: 0x29,
  DIFFERENT_TRANSACTION_COLLISION: 0x2a,
  PARAMETER_OUT_OF_MANDATORY_RANGE: 0x30,
  CONTROLLER_BUSY: 0x3a,
  UNACCEPTABLE_CONNECTION_PARAMETERS: 0x3b,
  ADVERTISING_TIMEOUT: 0x3c,
  CONNECTION_TERMINATED_MIC_FAILURE: 0x3d,
  CONNECTION_FAILED_TO_BE_ESTABLISHED: 0x3e,
  UNKNOWN_ADVERTISING_IDENTIFIER: 0x42,
  LIMIT_REACHED: 0x43,
  OPERATION_CANCELLED_BY_HOST: 0x44,
} as const;

export const HCI_STATUS_TABLE = codeTable([
  [0x00, 'Success', 'the command succeeded'],
  [0x01, 'Unknown HCI Command', 'the controller does not know this command'],
  [0x02, 'Unknown Connection Identifier', 'no connection has this handle'],
  [0x03, 'Hardware Failure', 'the controller failed in a way the host cannot fix'],
  [0x04, 'Page Timeout', 'the remote device did not answer the page'],
  [0x05, 'Authentication Failure', 'pairing or authentication failed'],
  [0x06, 'PIN or Key Missing', 'the peer has no key for this link, or the keys differ'],
  [0x07, 'Memory Capacity Exceeded', 'the controller ran out of memory'],
  [0x08, 'Connection Timeout', 'the link supervision timeout expired: the peer went out of range or stopped answering'],
  [0x09, 'Connection Limit Exceeded', 'the controller cannot hold another connection'],
  [0x0a, 'Synchronous Connection Limit To A Device Exceeded', 'too many synchronous connections to this device'],
  [0x0b, 'Connection Already Exists', 'a connection to this device already exists'],
  [0x0c, 'Command Disallowed', 'the command is not allowed in the current state'],
  [0x0d, 'Connection Rejected due to Limited Resources', 'the peer rejected the connection for lack of resources'],
  [0x0e, 'Connection Rejected Due To Security Reasons', 'the peer rejected the connection for security reasons'],
  [0x0f, 'Connection Rejected due to Unacceptable BD_ADDR', 'the peer does not accept connections from this address'],
  [0x10, 'Connection Accept Timeout Exceeded', 'the connection was not accepted in time'],
  [0x11, 'Unsupported Feature or Parameter Value', 'the controller does not support this feature or value'],
  [0x12, 'Invalid HCI Command Parameters', 'a command parameter is out of range or malformed'],
  [0x13, 'Remote User Terminated Connection', 'the peer closed the link on purpose'],
  [0x14, 'Remote Device Terminated Connection due to Low Resources', 'the peer closed the link for lack of resources'],
  [0x15, 'Remote Device Terminated Connection due to Power Off', 'the peer is powering off'],
  [0x16, 'Connection Terminated By Local Host', 'this side closed the link'],
  [0x17, 'Repeated Attempts', 'too many attempts in a short time'],
  [0x18, 'Pairing Not Allowed', 'the device does not allow pairing now'],
  [0x19, 'Unknown LMP PDU', 'the peer sent an unknown link manager PDU'],
  [0x1a, 'Unsupported Remote Feature', 'the peer does not support this feature'],
  [0x1e, 'Invalid LMP Parameters / Invalid LL Parameters', 'the peer sent invalid link layer parameters'],
  [0x1f, 'Unspecified Error', 'no other code fits'],
  [0x20, 'Unsupported LMP Parameter Value / Unsupported LL Parameter Value', 'the peer does not support a link layer parameter value'],
  [0x22, 'LMP Response Timeout / LL Response Timeout', 'the peer did not answer a link layer procedure in time'],
  [0x23, 'LMP Error Transaction Collision / LL Procedure Collision', 'both sides started a link layer procedure at once'],
  [0x25, 'Encryption Mode Not Acceptable', 'the requested encryption mode is not acceptable'],
  [0x28, 'Instant Passed', 'a link layer instant is in the past'],
  [0x2a, 'Different Transaction Collision', 'a different procedure collided'],
  [0x30, 'Parameter Out Of Mandatory Range', 'a parameter is outside the range the spec requires'],
  [0x3a, 'Controller Busy', 'the controller is busy'],
  [0x3b, 'Unacceptable Connection Parameters', 'the connection parameters are unacceptable'],
  [0x3c, 'Advertising Timeout', 'directed advertising ended without a connection'],
  [0x3d, 'Connection Terminated due to MIC Failure', 'a packet failed its integrity check: the keys differ'],
  [0x3e, 'Connection Failed to be Established', 'the connection was not established: the peer did not answer the connect request'],
  [0x42, 'Unknown Advertising Identifier', 'no advertising set has this handle'],
  [0x43, 'Limit Reached', 'a limit was reached'],
  [0x44, 'Operation Cancelled by Host', 'the host cancelled the operation'],
]);

export function hciStatus(code: number): CodeInfo {
  return describeCode(HCI_STATUS_TABLE, code, 'Unknown HCI status');
}

function titleCase(constName: string): string {
  const keep = new Set(['LE', 'HCI', 'RSSI', 'BD', 'ADDR', 'PHY', 'DHKEY', 'P256', 'TX', 'ACL', 'CCCD']);
  return constName
    .split('_')
    .map((w) => (keep.has(w) ? w : w.charAt(0) + w.slice(1).toLowerCase()))
    .join(' ')
    .replace('Bd Addr', 'BD_ADDR')
    .replace('BD ADDR', 'BD_ADDR');
}

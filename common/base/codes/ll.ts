// Link Layer numbers an air capture shows: access address, advertising PDU types, LLID, control opcodes.
// Core v5.4 Vol 6 Part B 2.1.2 (advertising access address), 2.3 (advertising PDUs), 2.4 (data PDUs), 2.4.2 (LL control PDUs).
import { codeTable, describeCode } from './code-table.js';
import { hex } from './code-table.js';

/** The access address of every advertising channel packet. Vol 6 Part B 2.1.2. */
export const LL_ADVERTISING_ACCESS_ADDRESS = 0x8e89bed6;
/** CRC length on air. Vol 6 Part B 2.1. */
export const LL_CRC_LENGTH = 3;
/** MIC length on an encrypted data PDU. Vol 6 Part B 2.4. */
export const LL_MIC_LENGTH = 4;

/** Advertising physical channel PDU types (legacy). Vol 6 Part B 2.3. */
export const ADV_PDU_TYPE_TABLE = codeTable([
  [0x0, 'ADV_IND', 'connectable undirected advertising'],
  [0x1, 'ADV_DIRECT_IND', 'connectable directed advertising'],
  [0x2, 'ADV_NONCONN_IND', 'non-connectable advertising'],
  [0x3, 'SCAN_REQ', 'scan request'],
  [0x4, 'SCAN_RSP', 'scan response'],
  [0x5, 'CONNECT_IND', 'a central asks to connect'],
  [0x6, 'ADV_SCAN_IND', 'scannable advertising'],
  [0x7, 'ADV_EXT_IND', 'extended advertising'],
  [0x8, 'AUX_CONNECT_RSP', 'extended connection response'],
]);
export const ADV_PDU_CONNECT_IND = 0x5;

/** LLID of a data channel PDU. Vol 6 Part B 2.4. */
export const LLID = { CONTINUATION: 0b01, START: 0b10, CONTROL: 0b11 } as const;

/** LL control opcodes. Vol 6 Part B 2.4.2. */
export const LL_CONTROL = {
  CONNECTION_UPDATE_IND: 0x00,
  CHANNEL_MAP_IND: 0x01,
  TERMINATE_IND: 0x02,
  ENC_REQ: 0x03,
  ENC_RSP: 0x04,
  START_ENC_REQ: 0x05,
  START_ENC_RSP: 0x06,
  UNKNOWN_RSP: 0x07,
  FEATURE_REQ: 0x08,
  FEATURE_RSP: 0x09,
  PAUSE_ENC_REQ: 0x0a,
  PAUSE_ENC_RSP: 0x0b,
  VERSION_IND: 0x0c,
  REJECT_IND: 0x0d,
  PERIPHERAL_FEATURE_REQ: 0x0e,
  CONNECTION_PARAM_REQ: 0x0f,
  CONNECTION_PARAM_RSP: 0x10,
  REJECT_EXT_IND: 0x11,
  PING_REQ: 0x12,
  PING_RSP: 0x13,
  LENGTH_REQ: 0x14,
  LENGTH_RSP: 0x15,
  PHY_REQ: 0x16,
  PHY_RSP: 0x17,
  PHY_UPDATE_IND: 0x18,
} as const;

const LL_CONTROL_NAMES = new Map<number, string>(Object.entries(LL_CONTROL).map(([k, v]) => [v, `LL_${k}`]));
export function llControlName(op: number): string {
  return LL_CONTROL_NAMES.get(op) ?? `LL control ${hex(op)}`;
}

export function advPduTypeName(t: number): string {
  return describeCode(ADV_PDU_TYPE_TABLE, t, 'Reserved advertising PDU').name;
}

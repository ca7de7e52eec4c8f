// L2CAP numbers: channel identifiers, signaling command codes, reject reasons and result codes.
// Core v5.4 Vol 3 Part A 2.1 (CIDs), 3.1 (basic header), 4 (signaling packet formats).
import { codeTable, describeCode, type CodeInfo } from './code-table.js';

/** Basic L2CAP header: Length(2) Channel ID(2). Vol 3 Part A 3.1. */
export const L2CAP_HEADER_LENGTH = 4;
/** Signaling command header: Code(1) Identifier(1) Length(2). Vol 3 Part A 4. */
export const L2CAP_SIG_HEADER_LENGTH = 4;

/** Channel identifiers on an LE-U logical link (and the BR/EDR fixed ones, for names). Vol 3 Part A 2.1 (table 2.3). */
export const L2CAP_CID = {
  NULL: 0x0000,
  BR_EDR_SIGNALING: 0x0001,
  CONNECTIONLESS: 0x0002,
  ATT: 0x0004,
  LE_SIGNALING: 0x0005,
  SMP: 0x0006,
  BR_EDR_SMP: 0x0007,
  /** Dynamically allocated LE channels (credit based). */
  LE_DYNAMIC_FIRST: 0x0040,
  LE_DYNAMIC_LAST: 0x007f,
} as const;

export const L2CAP_CID_TABLE = codeTable([
  [0x0001, 'BR/EDR Signaling', 'L2CAP signaling on a BR/EDR link'],
  [0x0002, 'Connectionless', 'connectionless data (BR/EDR)'],
  [0x0004, 'ATT', 'the Attribute Protocol'],
  [0x0005, 'LE Signaling', 'L2CAP signaling on an LE link'],
  [0x0006, 'SMP', 'the Security Manager Protocol'],
  [0x0007, 'BR/EDR SMP', 'the Security Manager Protocol over BR/EDR'],
]);

export function cidName(cid: number): string {
  const known = L2CAP_CID_TABLE.get(cid);
  if (known) return known.name;
  if (cid >= L2CAP_CID.LE_DYNAMIC_FIRST && cid <= L2CAP_CID.LE_DYNAMIC_LAST) return 'Dynamic';
  return 'Reserved';
}

/** Signaling command codes. Vol 3 Part A 4 (table 4.2). LE signaling accepts only the ones marked LE. */
export const L2CAP_SIG = {
  COMMAND_REJECT: 0x01,
  CONNECTION_REQ: 0x02,
  CONNECTION_RSP: 0x03,
  CONFIGURATION_REQ: 0x04,
  CONFIGURATION_RSP: 0x05,
  DISCONNECTION_REQ: 0x06,
  DISCONNECTION_RSP: 0x07,
  ECHO_REQ: 0x08,
  ECHO_RSP: 0x09,
  INFORMATION_REQ: 0x0a,
  INFORMATION_RSP: 0x0b,
  CONNECTION_PARAMETER_UPDATE_REQ: 0x12,
  CONNECTION_PARAMETER_UPDATE_RSP: 0x13,
  LE_CREDIT_BASED_CONNECTION_REQ: 0x14,
  LE_CREDIT_BASED_CONNECTION_RSP: 0x15,
  FLOW_CONTROL_CREDIT_IND: 0x16,
  CREDIT_BASED_CONNECTION_REQ: 0x17,
  CREDIT_BASED_CONNECTION_RSP: 0x18,
  CREDIT_BASED_RECONFIGURE_REQ: 0x19,
  CREDIT_BASED_RECONFIGURE_RSP: 0x1a,
} as const;

export const L2CAP_SIG_TABLE = codeTable([
  [0x01, 'Command Reject', 'the receiver did not understand or could not accept a signaling command'],
  [0x02, 'Connection Request', 'open a BR/EDR channel (not valid on LE)'],
  [0x03, 'Connection Response', 'answer to a BR/EDR Connection Request (not valid on LE)'],
  [0x04, 'Configuration Request', 'configure a BR/EDR channel (not valid on LE)'],
  [0x05, 'Configuration Response', 'answer to a Configuration Request (not valid on LE)'],
  [0x06, 'Disconnection Request', 'close a dynamic channel'],
  [0x07, 'Disconnection Response', 'the channel is closed'],
  [0x08, 'Echo Request', 'ping the peer\'s L2CAP (not valid on LE)'],
  [0x09, 'Echo Response', 'answer to an Echo Request (not valid on LE)'],
  [0x0a, 'Information Request', 'ask for L2CAP features (not valid on LE)'],
  [0x0b, 'Information Response', 'the L2CAP features (not valid on LE)'],
  [0x12, 'Connection Parameter Update Request', 'the peripheral asks the central for new connection parameters'],
  [0x13, 'Connection Parameter Update Response', 'the central accepts or rejects the new parameters'],
  [0x14, 'LE Credit Based Connection Request', 'open an LE credit based channel on an SPSM'],
  [0x15, 'LE Credit Based Connection Response', 'the channel is open, or why not'],
  [0x16, 'Flow Control Credit Indication', 'the sender may send this many more K-frames'],
  [0x17, 'Credit Based Connection Request', 'open up to five enhanced credit based channels'],
  [0x18, 'Credit Based Connection Response', 'the enhanced channels opened, or why not'],
  [0x19, 'Credit Based Reconfigure Request', 'change MTU/MPS of enhanced credit based channels'],
  [0x1a, 'Credit Based Reconfigure Response', 'the reconfiguration result'],
]);

/** Codes valid on the LE signaling channel (CID 0x0005). Vol 3 Part A 4 (table 4.2). */
export const LE_SIGNALING_CODES: ReadonlySet<number> = new Set([0x01, 0x06, 0x07, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a]);

export function signalingName(code: number): string {
  return describeCode(L2CAP_SIG_TABLE, code, 'Unknown signaling command').name;
}

/** Command Reject reasons. Vol 3 Part A 4.1 (table 4.3). */
export const L2CAP_REJECT_TABLE = codeTable([
  [0x0000, 'Command not understood', 'the receiver does not know this signaling command'],
  [0x0001, 'Signaling MTU exceeded', 'the command was longer than the receiver\'s signaling MTU'],
  [0x0002, 'Invalid CID in request', 'the command named a channel that does not exist'],
]);

export function rejectReason(code: number): CodeInfo {
  return describeCode(L2CAP_REJECT_TABLE, code, 'Reserved reject reason');
}

/** Connection Parameter Update Response results. Vol 3 Part A 4.21 (table 4.21). */
export const CONN_PARAM_RESULT_TABLE = codeTable([
  [0x0000, 'Connection Parameters accepted', 'the central will apply the new parameters'],
  [0x0001, 'Connection Parameters rejected', 'the central keeps the current parameters'],
]);

/** LE / enhanced credit based connection results. Vol 3 Part A 4.23 (table 4.23), 4.26. */
export const CREDIT_BASED_RESULT_TABLE = codeTable([
  [0x0000, 'Connection successful', 'the channel is open'],
  [0x0002, 'Connection refused – SPSM not supported', 'nothing listens on this SPSM'],
  [0x0004, 'Connection refused – no resources available', 'the peer cannot open another channel'],
  [0x0005, 'Connection refused – insufficient authentication', 'pair first'],
  [0x0006, 'Connection refused – insufficient authorization', 'the application refused'],
  [0x0007, 'Connection refused – encryption key size too short', 'the link key is too short for this SPSM'],
  [0x0008, 'Connection refused – insufficient encryption', 'encrypt the link first'],
  [0x0009, 'Connection refused – invalid Source CID', 'the source CID is outside the dynamic range'],
  [0x000a, 'Connection refused – Source CID already allocated', 'the source CID is in use'],
  [0x000b, 'Connection refused – unacceptable parameters', 'MTU, MPS or credits are unacceptable'],
  [0x000c, 'Connection refused – invalid parameters', 'a parameter is invalid'],
  [0x000d, 'Connection pending – no further information available', 'the peer will answer later'],
  [0x000e, 'Connection pending – authentication pending', 'the peer is authenticating'],
  [0x000f, 'Connection pending – authorization pending', 'the peer is waiting for authorization'],
]);

export function creditBasedResult(code: number): CodeInfo {
  return describeCode(CREDIT_BASED_RESULT_TABLE, code, 'Reserved result');
}

/** Credit Based Reconfigure Response results. Vol 3 Part A 4.28 (table 4.29). */
export const RECONFIGURE_RESULT_TABLE = codeTable([
  [0x0000, 'Reconfiguration successful', 'the new MTU/MPS apply'],
  [0x0001, 'Reconfiguration failed – reduction in size of MTU not allowed', 'MTU may only grow'],
  [0x0002, 'Reconfiguration failed – reduction in size of MPS not allowed for more than one channel at a time', 'shrink MPS one channel at a time'],
  [0x0003, 'Reconfiguration failed – one or more Destination CIDs invalid', 'a named channel does not exist'],
  [0x0004, 'Reconfiguration failed – other unacceptable parameters', 'a parameter is unacceptable'],
]);

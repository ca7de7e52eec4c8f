// ATT numbers: PDU opcodes and error codes.
// Core v5.4 Vol 3 Part F 3.3.1 (opcode format), 3.4 (PDUs), 3.4.1.1 (error codes);
// Core Specification Supplement Part B 1.2 (common profile and service error codes).
import { codeTable, describeCode, hex, type CodeInfo } from './code-table.js';

/** Opcode bit 6: a command (no response expected). Vol 3 Part F 3.3.1. */
export const ATT_COMMAND_FLAG = 0x40;
/** Opcode bit 7: a 12-octet authentication signature follows the parameters. Vol 3 Part F 3.3.1. */
export const ATT_AUTH_SIGNATURE_FLAG = 0x80;
/** Length of the Authentication Signature of a Signed Write Command. Vol 3 Part F 3.4.5.4. */
export const ATT_SIGNATURE_LENGTH = 12;
/** LE default ATT_MTU. Vol 3 Part F 3.2.8. */
export const ATT_DEFAULT_LE_MTU = 23;
/** A request (or indication) not answered within 30 s ends the ATT transaction. Vol 3 Part F 3.3.3. */
export const ATT_TRANSACTION_TIMEOUT_MS = 30_000;

/** ATT PDU opcodes. Vol 3 Part F 3.4.8 (table 3.37). */
export const ATT_OP = {
  ERROR_RSP: 0x01,
  EXCHANGE_MTU_REQ: 0x02,
  EXCHANGE_MTU_RSP: 0x03,
  FIND_INFORMATION_REQ: 0x04,
  FIND_INFORMATION_RSP: 0x05,
  FIND_BY_TYPE_VALUE_REQ: 0x06,
  FIND_BY_TYPE_VALUE_RSP: 0x07,
  READ_BY_TYPE_REQ: 0x08,
  READ_BY_TYPE_RSP: 0x09,
  READ_REQ: 0x0a,
  READ_RSP: 0x0b,
  READ_BLOB_REQ: 0x0c,
  READ_BLOB_RSP: 0x0d,
  READ_MULTIPLE_REQ: 0x0e,
  READ_MULTIPLE_RSP: 0x0f,
  READ_BY_GROUP_TYPE_REQ: 0x10,
  READ_BY_GROUP_TYPE_RSP: 0x11,
  WRITE_REQ: 0x12,
  WRITE_RSP: 0x13,
  PREPARE_WRITE_REQ: 0x16,
  PREPARE_WRITE_RSP: 0x17,
  EXECUTE_WRITE_REQ: 0x18,
  EXECUTE_WRITE_RSP: 0x19,
  HANDLE_VALUE_NTF: 0x1b,
  HANDLE_VALUE_IND: 0x1d,
  HANDLE_VALUE_CFM: 0x1e,
  READ_MULTIPLE_VARIABLE_REQ: 0x20,
  READ_MULTIPLE_VARIABLE_RSP: 0x21,
  MULTIPLE_HANDLE_VALUE_NTF: 0x23,
  WRITE_CMD: 0x52,
  SIGNED_WRITE_CMD: 0xd2,
} as const;
export type AttOpcode = (typeof ATT_OP)[keyof typeof ATT_OP];

export const ATT_OPCODE_TABLE = codeTable([
  [0x01, 'Error Response', 'the server could not do what the request asked; carries the request opcode, handle and error code'],
  [0x02, 'Exchange MTU Request', 'the client tells its receive MTU and asks for the server\'s'],
  [0x03, 'Exchange MTU Response', 'the server tells its receive MTU'],
  [0x04, 'Find Information Request', 'the client asks for handles and types in a handle range'],
  [0x05, 'Find Information Response', 'handle/type pairs in the range'],
  [0x06, 'Find By Type Value Request', 'the client asks for attributes of one 16-bit type with a given value'],
  [0x07, 'Find By Type Value Response', 'found handles with their group end handles'],
  [0x08, 'Read By Type Request', 'the client reads attributes of one type in a handle range'],
  [0x09, 'Read By Type Response', 'handle/value pairs of that type'],
  [0x0a, 'Read Request', 'the client reads one attribute value'],
  [0x0b, 'Read Response', 'the value (or its first MTU-1 octets)'],
  [0x0c, 'Read Blob Request', 'the client reads part of a long value from an offset'],
  [0x0d, 'Read Blob Response', 'part of the value from that offset'],
  [0x0e, 'Read Multiple Request', 'the client reads several fixed-length values at once'],
  [0x0f, 'Read Multiple Response', 'the values concatenated'],
  [0x10, 'Read By Group Type Request', 'the client reads grouping attributes (services) in a range'],
  [0x11, 'Read By Group Type Response', 'handle, group end handle and value per group'],
  [0x12, 'Write Request', 'the client writes a value and waits for the answer'],
  [0x13, 'Write Response', 'the server wrote the value'],
  [0x16, 'Prepare Write Request', 'the client queues part of a value for a reliable or long write'],
  [0x17, 'Prepare Write Response', 'the server echoes the queued part'],
  [0x18, 'Execute Write Request', 'the client commits (or cancels) the queued writes'],
  [0x19, 'Execute Write Response', 'the server committed or cancelled the queue'],
  [0x1b, 'Handle Value Notification', 'the server sends a value unasked; no answer expected'],
  [0x1d, 'Handle Value Indication', 'the server sends a value unasked and waits for a confirmation'],
  [0x1e, 'Handle Value Confirmation', 'the client confirms an indication'],
  [0x20, 'Read Multiple Variable Request', 'the client reads several values of any length at once'],
  [0x21, 'Read Multiple Variable Response', 'length/value pairs'],
  [0x23, 'Multiple Handle Value Notification', 'the server notifies several handle/length/value tuples at once'],
  [0x52, 'Write Command', 'the client writes a value and expects no answer'],
  [0xd2, 'Signed Write Command', 'a write command carrying a signature made with the CSRK'],
]);

/** "Read Request" for 0x0A; "Unknown ATT opcode (0x7F)" otherwise. */
export function attOpcodeName(op: number): string {
  return describeCode(ATT_OPCODE_TABLE, op, 'Unknown ATT opcode').name;
}

/** ATT error codes. Vol 3 Part F 3.4.1.1 (table 3.4); 0xE0-0xFF: Core Specification Supplement Part B 1.2. */
export const ATT_ERROR = {
  INVALID_HANDLE: 0x01,
  READ_NOT_PERMITTED: 0x02,
  WRITE_NOT_PERMITTED: 0x03,
  INVALID_PDU: 0x04,
  INSUFFICIENT_AUTHENTICATION: 0x05,
  REQUEST_NOT_SUPPORTED: 0x06,
  INVALID_OFFSET: 0x07,
  INSUFFICIENT_AUTHORIZATION: 0x08,
  PREPARE_QUEUE_FULL: 0x09,
  ATTRIBUTE_NOT_FOUND: 0x0a,
  ATTRIBUTE_NOT_LONG: 0x0b,
  ENCRYPTION_KEY_SIZE_TOO_SHORT: 0x0c,
  INVALID_ATTRIBUTE_VALUE_LENGTH: 0x0d,
  UNLIKELY_ERROR: 0x0e,
  INSUFFICIENT_ENCRYPTION: 0x0f,
  UNSUPPORTED_GROUP_TYPE: 0x10,
  INSUFFICIENT_RESOURCES: 0x11,
  DATABASE_OUT_OF_SYNC: 0x12,
  VALUE_NOT_ALLOWED: 0x13,
  /** First and last application error code. Vol 3 Part F 3.4.1.1. */
  APPLICATION_ERROR_FIRST: 0x80,
  APPLICATION_ERROR_LAST: 0x9f,
  WRITE_REQUEST_REJECTED: 0xfc,
  CCCD_IMPROPERLY_CONFIGURED: 0xfd,
  PROCEDURE_ALREADY_IN_PROGRESS: 0xfe,
  OUT_OF_RANGE: 0xff,
} as const;

export const ATT_ERROR_TABLE = codeTable([
  [0x01, 'Invalid Handle', 'no attribute has this handle'],
  [0x02, 'Read Not Permitted', 'this attribute cannot be read'],
  [0x03, 'Write Not Permitted', 'this attribute cannot be written'],
  [0x04, 'Invalid PDU', 'the request was malformed'],
  [0x05, 'Insufficient Authentication', 'the link must be paired (authenticated) before this attribute can be used'],
  [0x06, 'Request Not Supported', 'the server does not support this request'],
  [0x07, 'Invalid Offset', 'the offset is past the end of the value'],
  [0x08, 'Insufficient Authorization', 'the server\'s application refused access to this attribute'],
  [0x09, 'Prepare Queue Full', 'too many prepared writes are queued'],
  [0x0a, 'Attribute Not Found', 'no attribute in the handle range matches'],
  [0x0b, 'Attribute Not Long', 'this attribute cannot be read or written with Read Blob / Prepare Write'],
  [0x0c, 'Encryption Key Size Too Short', 'the link is encrypted with a key shorter than this attribute requires'],
  [0x0d, 'Invalid Attribute Value Length', 'the value has the wrong length for this attribute'],
  [0x0e, 'Unlikely Error', 'the request met an error that should not happen'],
  [0x0f, 'Insufficient Encryption', 'a key exists but the link is not encrypted: encrypt it before using this attribute'],
  [0x10, 'Unsupported Group Type', 'this attribute type is not a grouping type'],
  [0x11, 'Insufficient Resources', 'the server lacks resources to complete the request'],
  [0x12, 'Database Out Of Sync', 'the client\'s view of the database is stale: rediscover it'],
  [0x13, 'Value Not Allowed', 'the value is not allowed for this attribute'],
  [0xfc, 'Write Request Rejected', 'the profile rejected the write (common profile error)'],
  [0xfd, 'CCCD Improperly Configured', 'the Client Characteristic Configuration descriptor is not set as this operation needs (common profile error)'],
  [0xfe, 'Procedure Already in Progress', 'a profile procedure is already running (common profile error)'],
  [0xff, 'Out of Range', 'the value is out of the allowed range (common profile error)'],
]);

/** Name and meaning of an ATT error code; application errors 0x80-0x9F and reserved codes get generic entries. */
export function attError(code: number): CodeInfo {
  const known = ATT_ERROR_TABLE.get(code);
  if (known) return known;
  if (code >= ATT_ERROR.APPLICATION_ERROR_FIRST && code <= ATT_ERROR.APPLICATION_ERROR_LAST) {
    return { code, name: `Application Error ${hex(code)}`, meaning: 'an error defined by the server\'s application or profile' };
  }
  if (code >= 0xe0 && code <= 0xfb) {
    return { code, name: `Common Profile Error ${hex(code)}`, meaning: 'a common profile or service error this tool does not know' };
  }
  return { code, name: `Reserved (${hex(code)})`, meaning: 'a reserved ATT error code' };
}

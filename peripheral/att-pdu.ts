// The ATT PDUs the peripheral's gate reads and writes itself, where bleno's server cannot answer
// as the Core spec says. Core v5.4 Vol 3 Part F 3.4 (PDU formats).
import { ATT_OP, ATT_SIGNATURE_LENGTH } from '../common/codes/att.js';

/** Handle + opcode octets at the start of most requests. */
const OPCODE_LENGTH = 1;
const HANDLE_LENGTH = 2;

/** Error Response: opcode in error, handle in error, code. Vol 3 Part F 3.4.1.1. */
export function errorResponse(requestOpcode: number, handle: number, code: number): Buffer {
  const b = Buffer.alloc(OPCODE_LENGTH + 1 + HANDLE_LENGTH + 1);
  b[0] = ATT_OP.ERROR_RSP;
  b[1] = requestOpcode;
  b.writeUInt16LE(handle, 2);
  b[4] = code;
  return b;
}

/** Write Response. Vol 3 Part F 3.4.5.2. */
export function writeResponse(): Buffer {
  return Buffer.from([ATT_OP.WRITE_RSP]);
}

/** Read Multiple Response: the values concatenated, cut at ATT_MTU - 1. Vol 3 Part F 3.4.4.8. */
export function readMultipleResponse(values: readonly Buffer[], mtu: number): Buffer {
  const all = Buffer.concat([Buffer.from([ATT_OP.READ_MULTIPLE_RSP]), ...values]);
  return all.subarray(0, mtu);
}

/** Handle Value Notification or Indication, the value cut at ATT_MTU - 3. Vol 3 Part F 3.4.7.1, 3.4.7.2. */
export function handleValuePdu(kind: 'notify' | 'indicate', handle: number, value: Buffer, mtu: number): Buffer {
  const head = Buffer.alloc(OPCODE_LENGTH + HANDLE_LENGTH);
  head[0] = kind === 'notify' ? ATT_OP.HANDLE_VALUE_NTF : ATT_OP.HANDLE_VALUE_IND;
  head.writeUInt16LE(handle, 1);
  return Buffer.concat([head, value.subarray(0, mtu - head.length)]);
}

/** A request from the central, read as far as the gate needs it; undefined when too short to be that PDU. */
export type AttRequest =
  | { readonly opcode: number; readonly kind: 'read'; readonly handle: number; readonly offset: number }
  | { readonly opcode: number; readonly kind: 'readByType'; readonly startHandle: number; readonly endHandle: number; readonly uuid: string }
  | { readonly opcode: number; readonly kind: 'readMultiple'; readonly handles: readonly number[] }
  | { readonly opcode: number; readonly kind: 'write'; readonly handle: number; readonly value: Buffer; readonly command: boolean }
  | { readonly opcode: number; readonly kind: 'prepareWrite'; readonly handle: number; readonly offset: number; readonly value: Buffer }
  | { readonly opcode: number; readonly kind: 'confirmation' }
  | { readonly opcode: number; readonly kind: 'signedWrite'; readonly handle: number }
  | { readonly opcode: number; readonly kind: 'findByTypeValue'; readonly startHandle: number; readonly value: Buffer }
  /** A PDU of a length its format does not allow; `request`: it expects a response (an Error Response, then). */
  | { readonly opcode: number; readonly kind: 'invalid'; readonly request: boolean; readonly why: string }
  | { readonly opcode: number; readonly kind: 'other' };

/** Smallest Read Multiple Request: opcode and two handles. Vol 3 Part F 3.4.4.7. */
const READ_MULTIPLE_MIN = OPCODE_LENGTH + 2 * HANDLE_LENGTH;

/** UUID sizes in Read By Type and Read By Group Type: 16 or 128 bits. Vol 3 Part F 3.2.1. */
const UUID_LENGTHS = [2, 16];
const { EXCHANGE_MTU_REQ, FIND_INFORMATION_REQ, FIND_BY_TYPE_VALUE_REQ, READ_BY_TYPE_REQ, READ_REQ, READ_BLOB_REQ, READ_MULTIPLE_REQ, READ_BY_GROUP_TYPE_REQ } = ATT_OP;
const { WRITE_REQ, WRITE_CMD, SIGNED_WRITE_CMD, PREPARE_WRITE_REQ, EXECUTE_WRITE_REQ, HANDLE_VALUE_CFM, READ_MULTIPLE_VARIABLE_REQ } = ATT_OP;
/** Whether a client PDU has the length its format allows (opcode included). Vol 3 Part F 3.4.2-3.4.7. */
const LENGTH_OK: ReadonlyMap<number, (n: number) => boolean> = new Map([
  [EXCHANGE_MTU_REQ, (n: number) => n === 3], // 3.4.2.1
  [FIND_INFORMATION_REQ, (n: number) => n === 5], // 3.4.3.1
  [FIND_BY_TYPE_VALUE_REQ, (n: number) => n >= 7], // 3.4.3.3
  [READ_BY_TYPE_REQ, (n: number) => UUID_LENGTHS.includes(n - 5)], // 3.4.4.1
  [READ_REQ, (n: number) => n === 3], // 3.4.4.3
  [READ_BLOB_REQ, (n: number) => n === 5], // 3.4.4.5
  [READ_MULTIPLE_REQ, (n: number) => n >= READ_MULTIPLE_MIN && (n - 1) % HANDLE_LENGTH === 0], // 3.4.4.7
  [READ_BY_GROUP_TYPE_REQ, (n: number) => UUID_LENGTHS.includes(n - 5)], // 3.4.4.9
  [READ_MULTIPLE_VARIABLE_REQ, (n: number) => n >= READ_MULTIPLE_MIN && (n - 1) % HANDLE_LENGTH === 0], // 3.4.4.11
  [WRITE_REQ, (n: number) => n >= 3], // 3.4.5.1
  [WRITE_CMD, (n: number) => n >= 3], // 3.4.5.3
  [SIGNED_WRITE_CMD, (n: number) => n >= 3 + ATT_SIGNATURE_LENGTH], // 3.4.5.4
  [PREPARE_WRITE_REQ, (n: number) => n >= 5], // 3.4.6.1
  [EXECUTE_WRITE_REQ, (n: number) => n === 2], // 3.4.6.3
  [HANDLE_VALUE_CFM, (n: number) => n === 1], // 3.4.7.3
]);

/** Client PDUs that expect no response: commands and the confirmation. Vol 3 Part F 3.3. */
const NOT_REQUESTS: ReadonlySet<number> = new Set([WRITE_CMD, SIGNED_WRITE_CMD, HANDLE_VALUE_CFM]);

export function parseAttRequest(pdu: Buffer): AttRequest | undefined {
  const opcode = pdu[0];
  if (opcode === undefined) return undefined;
  // A PDU of the wrong length is Invalid PDU (3.4.1.1), before any of its fields is read.
  if (LENGTH_OK.get(opcode)?.(pdu.length) === false) {
    return { opcode, kind: 'invalid', request: !NOT_REQUESTS.has(opcode), why: `${pdu.length} octets is not a valid length for this PDU` };
  }
  const handle = () => pdu.readUInt16LE(1);
  switch (opcode) {
    case ATT_OP.READ_REQ:
      return pdu.length >= 3 ? { opcode, kind: 'read', handle: handle(), offset: 0 } : undefined;
    case ATT_OP.READ_BLOB_REQ:
      return pdu.length >= 5 ? { opcode, kind: 'read', handle: handle(), offset: pdu.readUInt16LE(3) } : undefined;
    case ATT_OP.READ_BY_TYPE_REQ: {
      // The type is 2 or 16 octets, little-endian; bleno compares it as lowercase hex, most significant first.
      const type = pdu.subarray(5);
      if (type.length !== 2 && type.length !== 16) return undefined;
      return { opcode, kind: 'readByType', startHandle: handle(), endHandle: pdu.readUInt16LE(3), uuid: Buffer.from(type).reverse().toString('hex') };
    }
    case ATT_OP.READ_MULTIPLE_REQ: {
      if (pdu.length < READ_MULTIPLE_MIN || (pdu.length - 1) % HANDLE_LENGTH !== 0) return undefined;
      const handles: number[] = [];
      for (let i = 1; i < pdu.length; i += HANDLE_LENGTH) handles.push(pdu.readUInt16LE(i));
      return { opcode, kind: 'readMultiple', handles };
    }
    case ATT_OP.WRITE_REQ:
    case ATT_OP.WRITE_CMD:
      return pdu.length >= 3 ? { opcode, kind: 'write', handle: handle(), value: Buffer.from(pdu.subarray(3)), command: opcode === ATT_OP.WRITE_CMD } : undefined;
    case ATT_OP.PREPARE_WRITE_REQ:
      return pdu.length >= 5 ? { opcode, kind: 'prepareWrite', handle: handle(), offset: pdu.readUInt16LE(3), value: Buffer.from(pdu.subarray(5)) } : undefined;
    case ATT_OP.HANDLE_VALUE_CFM:
      return { opcode, kind: 'confirmation' };
    case ATT_OP.FIND_BY_TYPE_VALUE_REQ:
      return { opcode, kind: 'findByTypeValue', startHandle: handle(), value: Buffer.from(pdu.subarray(7)) };
    case ATT_OP.SIGNED_WRITE_CMD:
      return pdu.length >= 3 ? { opcode, kind: 'signedWrite', handle: handle() } : undefined;
    default:
      return { opcode, kind: 'other' };
  }
}

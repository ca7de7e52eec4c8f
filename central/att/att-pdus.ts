// The ATT request PDUs the central sends, and reading the answers. Core v5.4 Vol 3 Part F 3.4.
import { ATT_OP } from '../../common/codes/att.js';
import { AttError, AttProtocolError } from '../errors.js';

/** Opcode + handle: 3 octets ahead of a written value. Vol 3 Part F 3.4.5.1. */
export const WRITE_HEADER_LENGTH = 3;
/** Opcode + handle + offset: 5 octets ahead of a prepared part. Vol 3 Part F 3.4.6.1. */
export const PREPARE_WRITE_HEADER_LENGTH = 5;
/** Opcode: 1 octet ahead of a read value. Vol 3 Part F 3.4.4.4. */
export const READ_HEADER_LENGTH = 1;
/** Execute Write Request flags. Vol 3 Part F 3.4.6.3. */
export const EXECUTE_WRITE = { CANCEL: 0x00, WRITE: 0x01 } as const;
/** Highest attribute handle. Vol 3 Part F 3.2.2. */
export const LAST_HANDLE = 0xffff;

const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const pdu = (op: number, ...parts: Buffer[]): Buffer => Buffer.concat([Buffer.from([op]), ...parts]);

export const readRequest = (handle: number) => pdu(ATT_OP.READ_REQ, u16(handle));
export const readBlobRequest = (handle: number, offset: number) => pdu(ATT_OP.READ_BLOB_REQ, u16(handle), u16(offset));
export const writeRequest = (handle: number, value: Buffer) => pdu(ATT_OP.WRITE_REQ, u16(handle), value);
export const writeCommand = (handle: number, value: Buffer) => pdu(ATT_OP.WRITE_CMD, u16(handle), value);
export const prepareWriteRequest = (handle: number, offset: number, part: Buffer) => pdu(ATT_OP.PREPARE_WRITE_REQ, u16(handle), u16(offset), part);
export const executeWriteRequest = (flags: number) => pdu(ATT_OP.EXECUTE_WRITE_REQ, Buffer.from([flags]));
export const readByGroupTypeRequest = (start: number, end: number, type16: number) => pdu(ATT_OP.READ_BY_GROUP_TYPE_REQ, u16(start), u16(end), u16(type16));
export const readByTypeRequest = (start: number, end: number, type16: number) => pdu(ATT_OP.READ_BY_TYPE_REQ, u16(start), u16(end), u16(type16));
export const findInformationRequest = (start: number, end: number) => pdu(ATT_OP.FIND_INFORMATION_REQ, u16(start), u16(end));

/** Error Response length: opcode, request opcode, handle (2), code. Vol 3 Part F 3.4.1.1. */
const ERROR_RSP_LENGTH = 5;

/** The answer to `request` must be `expected`; an Error Response becomes an AttError, anything else an AttProtocolError. */
export function expectResponse(request: Buffer, answer: Buffer, expected: number): Buffer {
  if (answer[0] === ATT_OP.ERROR_RSP && answer.length >= ERROR_RSP_LENGTH) {
    throw new AttError(answer[4]!, answer[1]!, answer.readUInt16LE(2));
  }
  if (answer[0] !== expected) {
    throw new AttProtocolError(
      `the server answered the request 0x${request[0]!.toString(16).padStart(2, '0')} with opcode 0x${(answer[0] ?? 0).toString(16).padStart(2, '0')}, not 0x${expected.toString(16).padStart(2, '0')}`,
    );
  }
  return answer;
}

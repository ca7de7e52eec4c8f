// The write PDUs: Write Request/Response, Write Command, Signed Write Command, Prepare Write and
// Execute Write. Core v5.4 Vol 3 Part F 3.4.5-3.4.6.
import { ATT_OP, ATT_SIGNATURE_LENGTH } from '../../base/codes/att.js';
import { atLeast, copy, exactly, HANDLE_LENGTH, u16, withOpcode, type AttCodec } from './codec.js';
import type {
  AttExecuteWriteRequest,
  AttExecuteWriteResponse,
  AttPrepareWriteRequest,
  AttPrepareWriteResponse,
  AttSignedWriteCommand,
  AttWriteCommand,
  AttWriteRequest,
  AttWriteResponse,
} from './pdu-types.js';

/** Handle + offset ahead of a prepared part. Vol 3 Part F 3.4.6.1. */
const PREPARE_HEADER = 4;

export const writeRequest: AttCodec<AttWriteRequest> = {
  opcode: ATT_OP.WRITE_REQ,
  section: 'Vol 3 Part F 3.4.5.1',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.handle), p.value),
  decode: (b, take = copy) => atLeast(b, HANDLE_LENGTH, 'Write Request') ?? { opcode: ATT_OP.WRITE_REQ, handle: b.readUInt16LE(0), value: take(b.subarray(HANDLE_LENGTH)) },
};

export const writeResponse: AttCodec<AttWriteResponse> = {
  opcode: ATT_OP.WRITE_RSP,
  section: 'Vol 3 Part F 3.4.5.2',
  method: 'response',
  encode: (p) => withOpcode(p.opcode),
  decode: (b) => exactly(b, 0, 'Write Response') ?? { opcode: ATT_OP.WRITE_RSP },
};

export const writeCommand: AttCodec<AttWriteCommand> = {
  opcode: ATT_OP.WRITE_CMD,
  section: 'Vol 3 Part F 3.4.5.3',
  method: 'command',
  encode: (p) => withOpcode(p.opcode, u16(p.handle), p.value),
  decode: (b, take = copy) => atLeast(b, HANDLE_LENGTH, 'Write Command') ?? { opcode: ATT_OP.WRITE_CMD, handle: b.readUInt16LE(0), value: take(b.subarray(HANDLE_LENGTH)) },
};

export const signedWriteCommand: AttCodec<AttSignedWriteCommand> = {
  opcode: ATT_OP.SIGNED_WRITE_CMD,
  section: 'Vol 3 Part F 3.4.5.4',
  method: 'command',
  encode: (p) => withOpcode(p.opcode, u16(p.handle), p.value, p.signature),
  decode: (b, take = copy) =>
    atLeast(b, HANDLE_LENGTH + ATT_SIGNATURE_LENGTH, 'Signed Write Command') ?? {
      opcode: ATT_OP.SIGNED_WRITE_CMD,
      handle: b.readUInt16LE(0),
      value: take(b.subarray(HANDLE_LENGTH, b.length - ATT_SIGNATURE_LENGTH)),
      signature: take(b.subarray(b.length - ATT_SIGNATURE_LENGTH)),
    },
};

export const prepareWriteRequest: AttCodec<AttPrepareWriteRequest> = {
  opcode: ATT_OP.PREPARE_WRITE_REQ,
  section: 'Vol 3 Part F 3.4.6.1',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.handle), u16(p.offset), p.value),
  decode: (b, take = copy) =>
    atLeast(b, PREPARE_HEADER, 'Prepare Write Request') ?? {
      opcode: ATT_OP.PREPARE_WRITE_REQ,
      handle: b.readUInt16LE(0),
      offset: b.readUInt16LE(2),
      value: take(b.subarray(PREPARE_HEADER)),
    },
};

export const prepareWriteResponse: AttCodec<AttPrepareWriteResponse> = {
  opcode: ATT_OP.PREPARE_WRITE_RSP,
  section: 'Vol 3 Part F 3.4.6.2',
  method: 'response',
  encode: (p) => withOpcode(p.opcode, u16(p.handle), u16(p.offset), p.value),
  decode: (b, take = copy) =>
    atLeast(b, PREPARE_HEADER, 'Prepare Write Response') ?? {
      opcode: ATT_OP.PREPARE_WRITE_RSP,
      handle: b.readUInt16LE(0),
      offset: b.readUInt16LE(2),
      value: take(b.subarray(PREPARE_HEADER)),
    },
};

export const executeWriteRequest: AttCodec<AttExecuteWriteRequest> = {
  opcode: ATT_OP.EXECUTE_WRITE_REQ,
  section: 'Vol 3 Part F 3.4.6.3',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, Buffer.from([p.flags])),
  decode: (b) => exactly(b, 1, 'Execute Write Request') ?? { opcode: ATT_OP.EXECUTE_WRITE_REQ, flags: b[0]! },
};

export const executeWriteResponse: AttCodec<AttExecuteWriteResponse> = {
  opcode: ATT_OP.EXECUTE_WRITE_RSP,
  section: 'Vol 3 Part F 3.4.6.4',
  method: 'response',
  encode: (p) => withOpcode(p.opcode),
  decode: (b) => exactly(b, 0, 'Execute Write Response') ?? { opcode: ATT_OP.EXECUTE_WRITE_RSP },
};

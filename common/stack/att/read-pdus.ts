// The read PDUs: Read By Type, Read, Read Blob, Read Multiple, Read Multiple Variable. Core v5.4
// Vol 3 Part F 3.4.4.1-3.4.4.8, 3.4.4.11-3.4.4.12.
import { ATT_OP } from '../../base/codes/att.js';
import { badLength, copy, exactly, handleList, HANDLE_LENGTH, isProblem, lengthPrefixedList, u16, withOpcode, type AttCodec } from './codec.js';
import { RANGE_LENGTH } from './discovery-pdus.js';
import type {
  AttLengthValue,
  AttReadBlobRequest,
  AttReadBlobResponse,
  AttReadByTypeRequest,
  AttReadByTypeResponse,
  AttReadMultipleRequest,
  AttReadMultipleResponse,
  AttReadMultipleVariableRequest,
  AttReadMultipleVariableResponse,
  AttReadRequest,
  AttReadResponse,
} from './pdu-types.js';
import { isAttUuidLength } from './uuid-wire.js';

export const readByTypeRequest: AttCodec<AttReadByTypeRequest> = {
  opcode: ATT_OP.READ_BY_TYPE_REQ,
  section: 'Vol 3 Part F 3.4.4.1',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.startingHandle), u16(p.endingHandle), p.attributeType),
  decode: (b, take = copy) => {
    if (!isAttUuidLength(b.length - RANGE_LENGTH)) return badLength(`Read By Type Request has 6 or 20 octets of parameters (a 16- or 128-bit type), not ${b.length}`);
    return { opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: b.readUInt16LE(0), endingHandle: b.readUInt16LE(2), attributeType: take(b.subarray(RANGE_LENGTH)) };
  },
};

export const readByTypeResponse: AttCodec<AttReadByTypeResponse> = {
  opcode: ATT_OP.READ_BY_TYPE_RSP,
  section: 'Vol 3 Part F 3.4.4.2',
  method: 'response',
  encode: (p) =>
    withOpcode(p.opcode, Buffer.from([HANDLE_LENGTH + (p.attributeData[0]?.value.length ?? 0)]), ...p.attributeData.flatMap((d) => [u16(d.handle), d.value])),
  decode: (b, take = copy) => {
    const list = lengthPrefixedList(b, HANDLE_LENGTH, 'Read By Type Response');
    if (isProblem(list)) return list;
    return { opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: list.entries.map((e) => ({ handle: e.readUInt16LE(0), value: take(e.subarray(HANDLE_LENGTH)) })) };
  },
};

export const readRequest: AttCodec<AttReadRequest> = {
  opcode: ATT_OP.READ_REQ,
  section: 'Vol 3 Part F 3.4.4.3',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.handle)),
  decode: (b) => exactly(b, 2, 'Read Request') ?? { opcode: ATT_OP.READ_REQ, handle: b.readUInt16LE(0) },
};

export const readResponse: AttCodec<AttReadResponse> = {
  opcode: ATT_OP.READ_RSP,
  section: 'Vol 3 Part F 3.4.4.4',
  method: 'response',
  encode: (p) => withOpcode(p.opcode, p.value),
  decode: (b, take = copy) => ({ opcode: ATT_OP.READ_RSP, value: take(b) }),
};

export const readBlobRequest: AttCodec<AttReadBlobRequest> = {
  opcode: ATT_OP.READ_BLOB_REQ,
  section: 'Vol 3 Part F 3.4.4.5',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.handle), u16(p.offset)),
  decode: (b) => exactly(b, 4, 'Read Blob Request') ?? { opcode: ATT_OP.READ_BLOB_REQ, handle: b.readUInt16LE(0), offset: b.readUInt16LE(2) },
};

export const readBlobResponse: AttCodec<AttReadBlobResponse> = {
  opcode: ATT_OP.READ_BLOB_RSP,
  section: 'Vol 3 Part F 3.4.4.6',
  method: 'response',
  encode: (p) => withOpcode(p.opcode, p.value),
  decode: (b, take = copy) => ({ opcode: ATT_OP.READ_BLOB_RSP, value: take(b) }),
};

export const readMultipleRequest: AttCodec<AttReadMultipleRequest> = {
  opcode: ATT_OP.READ_MULTIPLE_REQ,
  section: 'Vol 3 Part F 3.4.4.7',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, ...p.handles.map(u16)),
  decode: (b) => {
    const handles = handleList(b, 'Read Multiple Request');
    return Array.isArray(handles) ? { opcode: ATT_OP.READ_MULTIPLE_REQ, handles } : handles;
  },
};

export const readMultipleResponse: AttCodec<AttReadMultipleResponse> = {
  opcode: ATT_OP.READ_MULTIPLE_RSP,
  section: 'Vol 3 Part F 3.4.4.8',
  method: 'response',
  encode: (p) => withOpcode(p.opcode, p.values),
  decode: (b, take = copy) => ({ opcode: ATT_OP.READ_MULTIPLE_RSP, values: take(b) }),
};

export const readMultipleVariableRequest: AttCodec<AttReadMultipleVariableRequest> = {
  opcode: ATT_OP.READ_MULTIPLE_VARIABLE_REQ,
  section: 'Vol 3 Part F 3.4.4.11',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, ...p.handles.map(u16)),
  decode: (b) => {
    const handles = handleList(b, 'Read Multiple Variable Request');
    return Array.isArray(handles) ? { opcode: ATT_OP.READ_MULTIPLE_VARIABLE_REQ, handles } : handles;
  },
};

export const readMultipleVariableResponse: AttCodec<AttReadMultipleVariableResponse> = {
  opcode: ATT_OP.READ_MULTIPLE_VARIABLE_RSP,
  section: 'Vol 3 Part F 3.4.4.12',
  method: 'response',
  encode: (p) => withOpcode(p.opcode, ...p.tuples.flatMap((t) => [u16(t.length), t.value])),
  decode: (b, take = copy) => {
    // The last tuple may be cut at ATT_MTU - 1 (its Length still gives the full length); a lone octet cannot be a Length.
    const tuples: AttLengthValue[] = [];
    let i = 0;
    while (i < b.length) {
      if (i + HANDLE_LENGTH > b.length) return badLength(`Read Multiple Variable Response ends with ${b.length - i} octet where a 2-octet Length belongs`);
      const length = b.readUInt16LE(i);
      const value = take(b.subarray(i + HANDLE_LENGTH, i + HANDLE_LENGTH + length));
      tuples.push({ length, value });
      i += HANDLE_LENGTH + length;
    }
    return { opcode: ATT_OP.READ_MULTIPLE_VARIABLE_RSP, tuples };
  },
};

// Error Response, MTU exchange and the discovery PDUs (Find Information, Find By Type Value, Read By
// Group Type). Core v5.4 Vol 3 Part F 3.4.1-3.4.3, 3.4.4.9-3.4.4.10.
import { ATT_OP } from '../../base/codes/att.js';
import { atLeast, badField, badLength, copy, exactly, HANDLE_LENGTH, isProblem, lengthPrefixedList, u16, withOpcode, type AttCodec } from './codec.js';
import type {
  AttErrorResponse,
  AttExchangeMtuRequest,
  AttExchangeMtuResponse,
  AttFindByTypeValueRequest,
  AttFindByTypeValueResponse,
  AttFindInformationRequest,
  AttFindInformationResponse,
  AttInformation,
  AttReadByGroupTypeRequest,
  AttReadByGroupTypeResponse,
} from './pdu-types.js';
import { FIND_INFORMATION_FORMAT } from './pdu-types.js';
import { ATT_UUID128_LENGTH, ATT_UUID16_LENGTH, isAttUuidLength } from './uuid-wire.js';
import { hex } from '../../base/codes/code-table.js';

export const errorResponse: AttCodec<AttErrorResponse> = {
  opcode: ATT_OP.ERROR_RSP,
  section: 'Vol 3 Part F 3.4.1.1',
  method: 'response',
  encode: (p) => withOpcode(p.opcode, Buffer.from([p.requestOpcode]), u16(p.handle), Buffer.from([p.errorCode])),
  decode: (b) => exactly(b, 4, 'Error Response') ?? { opcode: ATT_OP.ERROR_RSP, requestOpcode: b[0]!, handle: b.readUInt16LE(1), errorCode: b[3]! },
};

export const exchangeMtuRequest: AttCodec<AttExchangeMtuRequest> = {
  opcode: ATT_OP.EXCHANGE_MTU_REQ,
  section: 'Vol 3 Part F 3.4.2.1',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.clientRxMtu)),
  decode: (b) => exactly(b, 2, 'Exchange MTU Request') ?? { opcode: ATT_OP.EXCHANGE_MTU_REQ, clientRxMtu: b.readUInt16LE(0) },
};

export const exchangeMtuResponse: AttCodec<AttExchangeMtuResponse> = {
  opcode: ATT_OP.EXCHANGE_MTU_RSP,
  section: 'Vol 3 Part F 3.4.2.2',
  method: 'response',
  encode: (p) => withOpcode(p.opcode, u16(p.serverRxMtu)),
  decode: (b) => exactly(b, 2, 'Exchange MTU Response') ?? { opcode: ATT_OP.EXCHANGE_MTU_RSP, serverRxMtu: b.readUInt16LE(0) },
};

export const findInformationRequest: AttCodec<AttFindInformationRequest> = {
  opcode: ATT_OP.FIND_INFORMATION_REQ,
  section: 'Vol 3 Part F 3.4.3.1',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.startingHandle), u16(p.endingHandle)),
  decode: (b) =>
    exactly(b, 4, 'Find Information Request') ?? { opcode: ATT_OP.FIND_INFORMATION_REQ, startingHandle: b.readUInt16LE(0), endingHandle: b.readUInt16LE(2) },
};

export const findInformationResponse: AttCodec<AttFindInformationResponse> = {
  opcode: ATT_OP.FIND_INFORMATION_RSP,
  section: 'Vol 3 Part F 3.4.3.2',
  method: 'response',
  encode: (p) => {
    const wide = (p.information[0]?.uuid.length ?? ATT_UUID16_LENGTH) === ATT_UUID128_LENGTH;
    const format = wide ? FIND_INFORMATION_FORMAT.UUID128 : FIND_INFORMATION_FORMAT.UUID16;
    return withOpcode(p.opcode, Buffer.from([format]), ...p.information.flatMap((i) => [u16(i.handle), i.uuid]));
  },
  decode: (b, take = copy) => {
    const format = b[0];
    if (format === undefined) return badLength('Find Information Response has no Format field');
    const uuidLength = format === FIND_INFORMATION_FORMAT.UUID16 ? ATT_UUID16_LENGTH : format === FIND_INFORMATION_FORMAT.UUID128 ? ATT_UUID128_LENGTH : 0;
    if (uuidLength === 0) return badField(`Find Information Response's Format ${hex(format)} is neither 0x01 nor 0x02`);
    const entry = HANDLE_LENGTH + uuidLength;
    const list = b.subarray(1);
    if (list.length === 0 || list.length % entry !== 0) return badLength(`Find Information Response's ${list.length} octets are not a whole number of ${entry}-octet entries`);
    const information: AttInformation[] = [];
    for (let i = 0; i < list.length; i += entry) information.push({ handle: list.readUInt16LE(i), uuid: take(list.subarray(i + HANDLE_LENGTH, i + entry)) });
    return { opcode: ATT_OP.FIND_INFORMATION_RSP, information };
  },
};

/** Starting handle, ending handle, 16-bit type. Vol 3 Part F 3.4.3.3. */
const FIND_BY_TYPE_VALUE_HEADER = 6;

export const findByTypeValueRequest: AttCodec<AttFindByTypeValueRequest> = {
  opcode: ATT_OP.FIND_BY_TYPE_VALUE_REQ,
  section: 'Vol 3 Part F 3.4.3.3',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.startingHandle), u16(p.endingHandle), u16(p.attributeType), p.attributeValue),
  decode: (b, take = copy) =>
    atLeast(b, FIND_BY_TYPE_VALUE_HEADER, 'Find By Type Value Request') ?? {
      opcode: ATT_OP.FIND_BY_TYPE_VALUE_REQ,
      startingHandle: b.readUInt16LE(0),
      endingHandle: b.readUInt16LE(2),
      attributeType: b.readUInt16LE(4),
      attributeValue: take(b.subarray(FIND_BY_TYPE_VALUE_HEADER)),
    },
};

/** Found handle + group end handle. Vol 3 Part F 3.4.3.4. */
const HANDLES_INFORMATION_LENGTH = 4;

export const findByTypeValueResponse: AttCodec<AttFindByTypeValueResponse> = {
  opcode: ATT_OP.FIND_BY_TYPE_VALUE_RSP,
  section: 'Vol 3 Part F 3.4.3.4',
  method: 'response',
  encode: (p) => withOpcode(p.opcode, ...p.handlesInformation.flatMap((h) => [u16(h.foundHandle), u16(h.groupEndHandle)])),
  decode: (b) => {
    if (b.length === 0 || b.length % HANDLES_INFORMATION_LENGTH !== 0) {
      return badLength(`Find By Type Value Response's ${b.length} octets are not a whole number of 4-octet entries`);
    }
    const handlesInformation = [];
    for (let i = 0; i < b.length; i += HANDLES_INFORMATION_LENGTH) handlesInformation.push({ foundHandle: b.readUInt16LE(i), groupEndHandle: b.readUInt16LE(i + 2) });
    return { opcode: ATT_OP.FIND_BY_TYPE_VALUE_RSP, handlesInformation };
  },
};

/** Starting and ending handle ahead of the type. Vol 3 Part F 3.4.4.1, 3.4.4.9. */
export const RANGE_LENGTH = 4;

export const readByGroupTypeRequest: AttCodec<AttReadByGroupTypeRequest> = {
  opcode: ATT_OP.READ_BY_GROUP_TYPE_REQ,
  section: 'Vol 3 Part F 3.4.4.9',
  method: 'request',
  encode: (p) => withOpcode(p.opcode, u16(p.startingHandle), u16(p.endingHandle), p.attributeGroupType),
  decode: (b, take = copy) => {
    if (!isAttUuidLength(b.length - RANGE_LENGTH)) return badLength(`Read By Group Type Request has 6 or 20 octets of parameters (a 16- or 128-bit type), not ${b.length}`);
    return { opcode: ATT_OP.READ_BY_GROUP_TYPE_REQ, startingHandle: b.readUInt16LE(0), endingHandle: b.readUInt16LE(2), attributeGroupType: take(b.subarray(RANGE_LENGTH)) };
  },
};

/** Attribute handle + End Group Handle ahead of each value. Vol 3 Part F 3.4.4.10. */
const GROUP_HEADER = 4;

export const readByGroupTypeResponse: AttCodec<AttReadByGroupTypeResponse> = {
  opcode: ATT_OP.READ_BY_GROUP_TYPE_RSP,
  section: 'Vol 3 Part F 3.4.4.10',
  method: 'response',
  encode: (p) =>
    withOpcode(
      p.opcode,
      Buffer.from([GROUP_HEADER + (p.attributeData[0]?.value.length ?? 0)]),
      ...p.attributeData.flatMap((d) => [u16(d.handle), u16(d.endGroupHandle), d.value]),
    ),
  decode: (b, take = copy) => {
    const list = lengthPrefixedList(b, GROUP_HEADER, 'Read By Group Type Response');
    if (isProblem(list)) return list;
    const attributeData = list.entries.map((e) => ({ handle: e.readUInt16LE(0), endGroupHandle: e.readUInt16LE(2), value: take(e.subarray(GROUP_HEADER)) }));
    return { opcode: ATT_OP.READ_BY_GROUP_TYPE_RSP, attributeData };
  },
};

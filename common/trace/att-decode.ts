// ATT PDUs on CID 0x0004 → typed fields. Core v5.4 Vol 3 Part F 3.4 (every PDU), 3.3 (PDU format).
import { ATT_OP, ATT_SIGNATURE_LENGTH, attError, attOpcodeName } from '../codes/att.js';
import { ByteReader, DecodeProblem, hex4, preview, problemOf, uuidString } from './bytes.js';
import { decoded, malformed, type Decoded, type MalformedFields, type Summarizer } from './timeline.js';

interface AttBase {
  opcode: number;
}

/** 0x01 Error Response. Vol 3 Part F 3.4.1.1. */
export interface AttErrorFields extends AttBase {
  requestOpcode: number;
  requestOpcodeName: string;
  attributeHandle: number;
  errorCode: number;
  errorName: string;
  errorMeaning: string;
}
/** 0x02/0x03 Exchange MTU Request/Response. Vol 3 Part F 3.4.2. */
export interface AttMtuFields extends AttBase {
  /** Client Rx MTU (request) or Server Rx MTU (response). */
  mtu: number;
}
/** 0x04 Find Information Request. Vol 3 Part F 3.4.3.1. */
export interface AttHandleRangeFields extends AttBase {
  startingHandle: number;
  endingHandle: number;
}
/** 0x05 Find Information Response. Vol 3 Part F 3.4.3.2. */
export interface AttFindInformationRspFields extends AttBase {
  /** 0x01: 16-bit UUIDs; 0x02: 128-bit UUIDs. */
  format: number;
  information: { handle: number; uuid: string }[];
}
/** 0x06 Find By Type Value Request. Vol 3 Part F 3.4.3.3. */
export interface AttFindByTypeValueReqFields extends AttHandleRangeFields {
  attributeType: string;
  attributeValue: Buffer;
}
/** 0x07 Find By Type Value Response. Vol 3 Part F 3.4.3.4. */
export interface AttFindByTypeValueRspFields extends AttBase {
  handles: { foundAttributeHandle: number; groupEndHandle: number }[];
}
/** 0x08 Read By Type Request, 0x10 Read By Group Type Request. Vol 3 Part F 3.4.4.1, 3.4.4.9. */
export interface AttReadByTypeReqFields extends AttHandleRangeFields {
  /** Attribute Type (0x08) or Attribute Group Type (0x10). */
  attributeType: string;
}
/** 0x09 Read By Type Response. Vol 3 Part F 3.4.4.2. */
export interface AttReadByTypeRspFields extends AttBase {
  length: number;
  attributes: { handle: number; value: Buffer }[];
}
/** 0x11 Read By Group Type Response. Vol 3 Part F 3.4.4.10. */
export interface AttReadByGroupTypeRspFields extends AttBase {
  length: number;
  groups: { handle: number; endGroupHandle: number; value: Buffer }[];
}
/** 0x0A Read Request. Vol 3 Part F 3.4.4.3. */
export interface AttHandleFields extends AttBase {
  attributeHandle: number;
}
/** 0x0B Read, 0x0D Read Blob, 0x0F Read Multiple Responses. Vol 3 Part F 3.4.4.4, 3.4.4.6, 3.4.4.8. */
export interface AttValueFields extends AttBase {
  value: Buffer;
}
/** 0x0C Read Blob Request. Vol 3 Part F 3.4.4.5. */
export interface AttReadBlobReqFields extends AttHandleFields {
  valueOffset: number;
}
/** 0x0E Read Multiple, 0x20 Read Multiple Variable Requests. Vol 3 Part F 3.4.4.7, 3.4.4.11. */
export interface AttHandlesFields extends AttBase {
  handles: number[];
}
/** 0x21 Read Multiple Variable Response. Vol 3 Part F 3.4.4.12. The last value may be cut at the MTU. */
export interface AttReadMultipleVariableRspFields extends AttBase {
  values: { length: number; value: Buffer; truncated: boolean }[];
}
/** 0x12 Write Request, 0x52 Write Command, 0x1B Notification, 0x1D Indication. Vol 3 Part F 3.4.5.1, 3.4.5.3, 3.4.7.1, 3.4.7.2. */
export interface AttHandleValueFields extends AttHandleFields {
  value: Buffer;
}
/** 0xD2 Signed Write Command. Vol 3 Part F 3.4.5.4. */
export interface AttSignedWriteFields extends AttHandleValueFields {
  /** 12-octet Authentication Signature, hex in wire order. */
  authenticationSignature: string;
}
/** 0x16/0x17 Prepare Write Request/Response. Vol 3 Part F 3.4.6.1, 3.4.6.2. */
export interface AttPrepareWriteFields extends AttHandleFields {
  valueOffset: number;
  partAttributeValue: Buffer;
}
/** 0x18 Execute Write Request. Vol 3 Part F 3.4.6.3. */
export interface AttExecuteWriteFields extends AttBase {
  /** 0x00 cancel all prepared writes; 0x01 write them all. */
  flags: number;
  flagsName: string;
}
/** 0x23 Multiple Handle Value Notification. Vol 3 Part F 3.4.7.4. */
export interface AttMultipleNotificationFields extends AttBase {
  values: { attributeHandle: number; length: number; value: Buffer }[];
}
/** 0x13 Write Response, 0x19 Execute Write Response, 0x1E Handle Value Confirmation: no parameters. */
export type AttEmptyFields = AttBase;

export type AttFields =
  | AttErrorFields
  | AttMtuFields
  | AttHandleRangeFields
  | AttFindInformationRspFields
  | AttFindByTypeValueReqFields
  | AttFindByTypeValueRspFields
  | AttReadByTypeReqFields
  | AttReadByTypeRspFields
  | AttReadByGroupTypeRspFields
  | AttHandleFields
  | AttValueFields
  | AttReadBlobReqFields
  | AttHandlesFields
  | AttReadMultipleVariableRspFields
  | AttHandleValueFields
  | AttSignedWriteFields
  | AttPrepareWriteFields
  | AttExecuteWriteFields
  | AttMultipleNotificationFields
  | AttEmptyFields;

type Parse<F extends AttBase> = (r: ByteReader, opcode: number) => F;
interface PduFormat<F extends AttBase> {
  parse: Parse<F>;
  summarize: Summarizer<F>;
}

function uuidOf(r: ByteReader, what: string): string {
  const n = r.remaining;
  if (n !== 2 && n !== 16) throw new DecodeProblem(`${what} must be a 2- or 16-octet UUID, got ${n} octets`);
  return uuidString(r.bytes(n, what));
}

const range = (f: AttHandleRangeFields) => `handles ${hex4(f.startingHandle)}-${hex4(f.endingHandle)}`;
const none = (): string => '';
const parseNone: Parse<AttEmptyFields> = (r, opcode) => {
  r.done('the opcode');
  return { opcode };
};
const parseRange = (r: ByteReader, opcode: number): AttHandleRangeFields => ({
  opcode,
  startingHandle: r.u16('Starting Handle'),
  endingHandle: r.u16('Ending Handle'),
});
const parseHandle: Parse<AttHandleFields> = (r, opcode) => {
  const f = { opcode, attributeHandle: r.u16('Attribute Handle') };
  r.done('Attribute Handle');
  return f;
};
const parseValue: Parse<AttValueFields> = (r, opcode) => ({ opcode, value: r.rest() });
const parseHandleValue: Parse<AttHandleValueFields> = (r, opcode) => ({
  opcode,
  attributeHandle: r.u16('Attribute Handle'),
  value: r.rest(),
});
const sumHandleValue: Summarizer<AttHandleValueFields> = (f) => `handle ${hex4(f.attributeHandle)}, ${preview(f.value)}`;
const parseHandles: Parse<AttHandlesFields> = (r, opcode) => {
  if (r.remaining < 4 || r.remaining % 2) throw new DecodeProblem(`Set Of Handles must be two or more 2-octet handles, got ${r.remaining} octets`);
  const handles: number[] = [];
  while (r.remaining) handles.push(r.u16('Handle'));
  return { opcode, handles };
};
const sumHandles: Summarizer<AttHandlesFields> = (f) => `handles ${f.handles.map(hex4).join(', ')}`;
const parseMtu: Parse<AttMtuFields> = (r, opcode) => {
  const f = { opcode, mtu: r.u16('Rx MTU') };
  r.done('Rx MTU');
  return f;
};
const parsePrepare: Parse<AttPrepareWriteFields> = (r, opcode) => ({
  opcode,
  attributeHandle: r.u16('Attribute Handle'),
  valueOffset: r.u16('Value Offset'),
  partAttributeValue: r.rest(),
});
const sumPrepare: Summarizer<AttPrepareWriteFields> = (f) =>
  `handle ${hex4(f.attributeHandle)} offset ${f.valueOffset}, ${preview(f.partAttributeValue)}`;

const FORMATS: Record<number, PduFormat<never>> = {};
function define<F extends AttBase>(op: number, parse: Parse<F>, summarize: Summarizer<F>): void {
  FORMATS[op] = { parse, summarize } as unknown as PduFormat<never>;
}

define<AttErrorFields>(
  ATT_OP.ERROR_RSP,
  (r, opcode) => {
    const requestOpcode = r.u8('Request Opcode In Error');
    const attributeHandle = r.u16('Attribute Handle In Error');
    const errorCode = r.u8('Error Code');
    r.done('Error Code');
    const e = attError(errorCode);
    return { opcode, requestOpcode, requestOpcodeName: attOpcodeName(requestOpcode), attributeHandle, errorCode, errorName: e.name, errorMeaning: e.meaning };
  },
  (f) => `${f.requestOpcodeName} handle ${hex4(f.attributeHandle)} → 0x${f.errorCode.toString(16).toUpperCase().padStart(2, '0')} ${f.errorName}`,
);
define(ATT_OP.EXCHANGE_MTU_REQ, parseMtu, (f) => `client Rx MTU ${f.mtu}`);
define(ATT_OP.EXCHANGE_MTU_RSP, parseMtu, (f) => `server Rx MTU ${f.mtu}`);
define<AttHandleRangeFields>(
  ATT_OP.FIND_INFORMATION_REQ,
  (r, op) => {
    const f = parseRange(r, op);
    r.done('Ending Handle');
    return f;
  },
  range,
);
define<AttFindInformationRspFields>(
  ATT_OP.FIND_INFORMATION_RSP,
  (r, opcode) => {
    const format = r.u8('Format');
    const size = format === 0x01 ? 2 : format === 0x02 ? 16 : 0;
    if (!size) throw new DecodeProblem(`Format 0x${format.toString(16)} is reserved (0x01: 16-bit UUIDs, 0x02: 128-bit)`);
    if (r.remaining === 0 || r.remaining % (2 + size)) throw new DecodeProblem(`Information Data must be whole ${2 + size}-octet handle/UUID pairs, got ${r.remaining} octets`);
    const information: { handle: number; uuid: string }[] = [];
    while (r.remaining) information.push({ handle: r.u16('Handle'), uuid: uuidString(r.bytes(size, 'UUID')) });
    return { opcode, format, information };
  },
  (f) => f.information.map((i) => `${hex4(i.handle)} ${i.uuid}`).join(', '),
);
define<AttFindByTypeValueReqFields>(
  ATT_OP.FIND_BY_TYPE_VALUE_REQ,
  (r, op) => ({ ...parseRange(r, op), attributeType: uuidString(r.bytes(2, 'Attribute Type')), attributeValue: r.rest() }),
  (f) => `${range(f)} type ${f.attributeType} value ${preview(f.attributeValue)}`,
);
define<AttFindByTypeValueRspFields>(
  ATT_OP.FIND_BY_TYPE_VALUE_RSP,
  (r, opcode) => {
    if (r.remaining === 0 || r.remaining % 4) throw new DecodeProblem(`Handles Information List must be whole 4-octet entries, got ${r.remaining} octets`);
    const handles: AttFindByTypeValueRspFields['handles'] = [];
    while (r.remaining) handles.push({ foundAttributeHandle: r.u16('Found Attribute Handle'), groupEndHandle: r.u16('Group End Handle') });
    return { opcode, handles };
  },
  (f) => f.handles.map((h) => `${hex4(h.foundAttributeHandle)}-${hex4(h.groupEndHandle)}`).join(', '),
);
const parseReadByType: Parse<AttReadByTypeReqFields> = (r, op) => ({ ...parseRange(r, op), attributeType: uuidOf(r, 'Attribute Type') });
define(ATT_OP.READ_BY_TYPE_REQ, parseReadByType, (f) => `${range(f)} type ${f.attributeType}`);
define(ATT_OP.READ_BY_GROUP_TYPE_REQ, parseReadByType, (f) => `${range(f)} group type ${f.attributeType}`);
define<AttReadByTypeRspFields>(
  ATT_OP.READ_BY_TYPE_RSP,
  (r, opcode) => {
    const length = r.u8('Length');
    if (length < 2) throw new DecodeProblem(`Length ${length} is too small for a handle/value pair`);
    if (r.remaining === 0 || r.remaining % length) throw new DecodeProblem(`Attribute Data List must be whole ${length}-octet pairs, got ${r.remaining} octets`);
    const attributes: AttReadByTypeRspFields['attributes'] = [];
    while (r.remaining) attributes.push({ handle: r.u16('Attribute Handle'), value: r.bytes(length - 2, 'Attribute Value') });
    return { opcode, length, attributes };
  },
  (f) => f.attributes.map((a) => `${hex4(a.handle)}=${preview(a.value, 8)}`).join(', '),
);
define<AttReadByGroupTypeRspFields>(
  ATT_OP.READ_BY_GROUP_TYPE_RSP,
  (r, opcode) => {
    const length = r.u8('Length');
    if (length < 4) throw new DecodeProblem(`Length ${length} is too small for handle/end group handle/value`);
    if (r.remaining === 0 || r.remaining % length) throw new DecodeProblem(`Attribute Data List must be whole ${length}-octet entries, got ${r.remaining} octets`);
    const groups: AttReadByGroupTypeRspFields['groups'] = [];
    while (r.remaining) {
      groups.push({ handle: r.u16('Attribute Handle'), endGroupHandle: r.u16('End Group Handle'), value: r.bytes(length - 4, 'Attribute Value') });
    }
    return { opcode, length, groups };
  },
  (f) => f.groups.map((g) => `${hex4(g.handle)}-${hex4(g.endGroupHandle)} ${g.value.length === 2 || g.value.length === 16 ? uuidString(g.value) : preview(g.value, 8)}`).join(', '),
);
define(ATT_OP.READ_REQ, parseHandle, (f) => `handle ${hex4(f.attributeHandle)}`);
const sumValue: Summarizer<AttValueFields> = (f) => preview(f.value);
define(ATT_OP.READ_RSP, parseValue, sumValue);
define<AttReadBlobReqFields>(
  ATT_OP.READ_BLOB_REQ,
  (r, opcode) => {
    const f = { opcode, attributeHandle: r.u16('Attribute Handle'), valueOffset: r.u16('Value Offset') };
    r.done('Value Offset');
    return f;
  },
  (f) => `handle ${hex4(f.attributeHandle)} offset ${f.valueOffset}`,
);
define(ATT_OP.READ_BLOB_RSP, parseValue, sumValue);
define(ATT_OP.READ_MULTIPLE_REQ, parseHandles, sumHandles);
define(ATT_OP.READ_MULTIPLE_RSP, parseValue, sumValue);
define(ATT_OP.WRITE_REQ, parseHandleValue, sumHandleValue);
define(ATT_OP.WRITE_RSP, parseNone, none);
define(ATT_OP.WRITE_CMD, parseHandleValue, sumHandleValue);
define<AttSignedWriteFields>(
  ATT_OP.SIGNED_WRITE_CMD,
  (r, opcode) => {
    const attributeHandle = r.u16('Attribute Handle');
    if (r.remaining < ATT_SIGNATURE_LENGTH) throw new DecodeProblem(`truncated: Authentication Signature needs ${ATT_SIGNATURE_LENGTH} octets, ${r.remaining} left`);
    const value = r.bytes(r.remaining - ATT_SIGNATURE_LENGTH, 'Attribute Value');
    return { opcode, attributeHandle, value, authenticationSignature: r.hex(ATT_SIGNATURE_LENGTH, 'Authentication Signature') };
  },
  (f) => `handle ${hex4(f.attributeHandle)}, ${preview(f.value)}, signature ${f.authenticationSignature}`,
);
define(ATT_OP.PREPARE_WRITE_REQ, parsePrepare, sumPrepare);
define(ATT_OP.PREPARE_WRITE_RSP, parsePrepare, sumPrepare);
define<AttExecuteWriteFields>(
  ATT_OP.EXECUTE_WRITE_REQ,
  (r, opcode) => {
    const flags = r.u8('Flags');
    r.done('Flags');
    const flagsName = flags === 0 ? 'Cancel all prepared writes' : flags === 1 ? 'Immediately write all pending prepared values' : 'Reserved';
    return { opcode, flags, flagsName };
  },
  (f) => f.flagsName,
);
define(ATT_OP.EXECUTE_WRITE_RSP, parseNone, none);
define(ATT_OP.HANDLE_VALUE_NTF, parseHandleValue, sumHandleValue);
define(ATT_OP.HANDLE_VALUE_IND, parseHandleValue, sumHandleValue);
define(ATT_OP.HANDLE_VALUE_CFM, parseNone, none);
define(ATT_OP.READ_MULTIPLE_VARIABLE_REQ, parseHandles, sumHandles);
define<AttReadMultipleVariableRspFields>(
  ATT_OP.READ_MULTIPLE_VARIABLE_RSP,
  (r, opcode) => {
    const values: AttReadMultipleVariableRspFields['values'] = [];
    while (r.remaining) {
      const length = r.u16('Value Length');
      // Only the last value may be cut short by the ATT_MTU. Vol 3 Part F 3.4.4.12.
      const n = Math.min(length, r.remaining);
      values.push({ length, value: r.bytes(n, 'Attribute Value'), truncated: n < length });
    }
    return { opcode, values };
  },
  (f) => f.values.map((v) => `${v.length} bytes${v.truncated ? ' (truncated)' : ''}`).join(', '),
);
define<AttMultipleNotificationFields>(
  ATT_OP.MULTIPLE_HANDLE_VALUE_NTF,
  (r, opcode) => {
    const values: AttMultipleNotificationFields['values'] = [];
    if (r.remaining === 0) throw new DecodeProblem('Handle Length Value Tuple List is empty');
    while (r.remaining) {
      const attributeHandle = r.u16('Attribute Handle');
      const length = r.u16('Value Length');
      values.push({ attributeHandle, length, value: r.bytes(length, 'Attribute Value') });
    }
    return { opcode, values };
  },
  (f) => f.values.map((v) => `${hex4(v.attributeHandle)} ${preview(v.value, 8)}`).join(', '),
);

/** Decode one ATT PDU (the L2CAP payload on CID 0x0004). Never throws: bad PDUs come back as malformed. */
export function decodeAtt(pdu: Buffer, handle?: number): Decoded<AttFields> | Decoded<MalformedFields> {
  if (pdu.length === 0) return malformed('att', 'ATT PDU', 'empty PDU: no opcode', pdu, { handle, cid: 0x0004 });
  const opcode = pdu[0]!;
  const format = FORMATS[opcode];
  if (!format) {
    return malformed('att', 'ATT PDU', `unknown ATT opcode 0x${opcode.toString(16).toUpperCase().padStart(2, '0')}`, pdu, { code: opcode, cid: 0x0004, handle });
  }
  const name = 'ATT ' + attOpcodeName(opcode);
  try {
    const fields = (format.parse as Parse<AttBase>)(new ByteReader(pdu, 1), opcode);
    return decoded('att', name, fields as AttFields, pdu, format.summarize as Summarizer<AttFields>, handle);
  } catch (e) {
    return malformed('att', name, problemOf(e), pdu, { code: opcode, cid: 0x0004, handle });
  }
}

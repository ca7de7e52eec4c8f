// ATT PDUs on CID 0x0004 → the tap's fields and summary. The layout of every PDU is common/stack/att's (the
// one the peripheral's server, the central and the fuzzer use too); this file only words it: field
// names as the Core spec writes them, UUIDs as text, one-line summaries. A PDU common/stack/att refuses is
// a malformed entry with common/stack/att's reason. Core v5.4 Vol 3 Part F 3.4 (every PDU), 3.3 (format).
import { ATT_OP, attError, attOpcodeName } from '../../base/codes/att.js';
import { ATT_PDUS, attUuid16, decodeAtt as decodeAttPdu, FIND_INFORMATION_FORMAT, type AttPdu, type AttPduOf } from '../att/index.js';
import { preview, uuidString } from './bytes.js';
import { decoded, malformed, type Decoded, type MalformedFields, type Summarizer } from './timeline.js';
import { hex } from '../../base/codes/code-table.js';

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


/** How the tap words one PDU type: its fields from the typed PDU, and a one-line summary. */
interface Wording {
  fields(pdu: AttPdu): AttFields;
  summarize: Summarizer<AttFields>;
}
/** One wording per PDU type of common/stack/att: a new PDU type there fails to compile here until worded. */
type Wordings = { [O in AttPdu['opcode']]: Wording };
/** Typed per PDU: `fields` gets the PDU of that opcode. */
function wording<O extends AttPdu['opcode'], F extends AttFields>(fields: (pdu: AttPduOf<O>) => F, summarize: Summarizer<F>): Wording {
  return { fields, summarize } as unknown as Wording;
}

const range = (f: AttHandleRangeFields) => `handles ${hex(f.startingHandle, 4)}-${hex(f.endingHandle, 4)}`;
const none = (): string => '';
const empty = wording<typeof ATT_OP.WRITE_RSP | typeof ATT_OP.EXECUTE_WRITE_RSP | typeof ATT_OP.HANDLE_VALUE_CFM, AttEmptyFields>((p) => ({ opcode: p.opcode }), none);
const sumHandleValue: Summarizer<AttHandleValueFields> = (f) => `handle ${hex(f.attributeHandle, 4)}, ${preview(f.value)}`;
const handleValue = wording<typeof ATT_OP.WRITE_REQ | typeof ATT_OP.WRITE_CMD | typeof ATT_OP.HANDLE_VALUE_NTF | typeof ATT_OP.HANDLE_VALUE_IND, AttHandleValueFields>((p) => ({ opcode: p.opcode, attributeHandle: p.handle, value: p.value }), sumHandleValue);
const sumHandles: Summarizer<AttHandlesFields> = (f) => `handles ${f.handles.map((h) => hex(h, 4)).join(', ')}`;
const handles = wording<typeof ATT_OP.READ_MULTIPLE_REQ | typeof ATT_OP.READ_MULTIPLE_VARIABLE_REQ, AttHandlesFields>((p) => ({ opcode: p.opcode, handles: [...p.handles] }), sumHandles);
const sumValue: Summarizer<AttValueFields> = (f) => preview(f.value);
const value = wording<typeof ATT_OP.READ_RSP | typeof ATT_OP.READ_BLOB_RSP, AttValueFields>((p) => ({ opcode: p.opcode, value: p.value }), sumValue);
const sumPrepare: Summarizer<AttPrepareWriteFields> = (f) => `handle ${hex(f.attributeHandle, 4)} offset ${f.valueOffset}, ${preview(f.partAttributeValue)}`;
const prepare = wording<typeof ATT_OP.PREPARE_WRITE_REQ | typeof ATT_OP.PREPARE_WRITE_RSP, AttPrepareWriteFields>((p) => ({ opcode: p.opcode, attributeHandle: p.handle, valueOffset: p.offset, partAttributeValue: p.value }), sumPrepare);
/** Execute Write Request flags in words. Vol 3 Part F 3.4.6.3. */
const executeFlagsName = (flags: number) => (flags === 0 ? 'Cancel all prepared writes' : flags === 1 ? 'Immediately write all pending prepared values' : 'Reserved');

const WORDINGS: Wordings = {
  [ATT_OP.ERROR_RSP]: wording<typeof ATT_OP.ERROR_RSP, AttErrorFields>(
    (p) => {
      const e = attError(p.errorCode);
      return { opcode: p.opcode, requestOpcode: p.requestOpcode, requestOpcodeName: attOpcodeName(p.requestOpcode), attributeHandle: p.handle, errorCode: p.errorCode, errorName: e.name, errorMeaning: e.meaning };
    },
    (f) => `${f.requestOpcodeName} handle ${hex(f.attributeHandle, 4)} → ${hex(f.errorCode)} ${f.errorName}`,
  ),
  [ATT_OP.EXCHANGE_MTU_REQ]: wording<typeof ATT_OP.EXCHANGE_MTU_REQ, AttMtuFields>((p) => ({ opcode: p.opcode, mtu: p.clientRxMtu }), (f) => `client Rx MTU ${f.mtu}`),
  [ATT_OP.EXCHANGE_MTU_RSP]: wording<typeof ATT_OP.EXCHANGE_MTU_RSP, AttMtuFields>((p) => ({ opcode: p.opcode, mtu: p.serverRxMtu }), (f) => `server Rx MTU ${f.mtu}`),
  [ATT_OP.FIND_INFORMATION_REQ]: wording<typeof ATT_OP.FIND_INFORMATION_REQ, AttHandleRangeFields>((p) => ({ opcode: p.opcode, startingHandle: p.startingHandle, endingHandle: p.endingHandle }), range),
  [ATT_OP.FIND_INFORMATION_RSP]: wording<typeof ATT_OP.FIND_INFORMATION_RSP, AttFindInformationRspFields>(
    (p) => ({
      opcode: p.opcode,
      format: p.information[0]!.uuid.length === 2 ? FIND_INFORMATION_FORMAT.UUID16 : FIND_INFORMATION_FORMAT.UUID128,
      information: p.information.map((i) => ({ handle: i.handle, uuid: uuidString(i.uuid) })),
    }),
    (f) => f.information.map((i) => `${hex(i.handle, 4)} ${i.uuid}`).join(', '),
  ),
  [ATT_OP.FIND_BY_TYPE_VALUE_REQ]: wording<typeof ATT_OP.FIND_BY_TYPE_VALUE_REQ, AttFindByTypeValueReqFields>(
    (p) => ({ opcode: p.opcode, startingHandle: p.startingHandle, endingHandle: p.endingHandle, attributeType: uuidString(attUuid16(p.attributeType)), attributeValue: p.attributeValue }),
    (f) => `${range(f)} type ${f.attributeType} value ${preview(f.attributeValue)}`,
  ),
  [ATT_OP.FIND_BY_TYPE_VALUE_RSP]: wording<typeof ATT_OP.FIND_BY_TYPE_VALUE_RSP, AttFindByTypeValueRspFields>(
    (p) => ({ opcode: p.opcode, handles: p.handlesInformation.map((h) => ({ foundAttributeHandle: h.foundHandle, groupEndHandle: h.groupEndHandle })) }),
    (f) => f.handles.map((h) => `${hex(h.foundAttributeHandle, 4)}-${hex(h.groupEndHandle, 4)}`).join(', '),
  ),
  [ATT_OP.READ_BY_TYPE_REQ]: wording<typeof ATT_OP.READ_BY_TYPE_REQ, AttReadByTypeReqFields>(
    (p) => ({ opcode: p.opcode, startingHandle: p.startingHandle, endingHandle: p.endingHandle, attributeType: uuidString(p.attributeType) }),
    (f) => `${range(f)} type ${f.attributeType}`,
  ),
  [ATT_OP.READ_BY_TYPE_RSP]: wording<typeof ATT_OP.READ_BY_TYPE_RSP, AttReadByTypeRspFields>(
    (p) => ({ opcode: p.opcode, length: 2 + p.attributeData[0]!.value.length, attributes: p.attributeData.map((a) => ({ handle: a.handle, value: a.value })) }),
    (f) => f.attributes.map((a) => `${hex(a.handle, 4)}=${preview(a.value, 8)}`).join(', '),
  ),
  [ATT_OP.READ_REQ]: wording<typeof ATT_OP.READ_REQ, AttHandleFields>((p) => ({ opcode: p.opcode, attributeHandle: p.handle }), (f) => `handle ${hex(f.attributeHandle, 4)}`),
  [ATT_OP.READ_RSP]: value,
  [ATT_OP.READ_BLOB_REQ]: wording<typeof ATT_OP.READ_BLOB_REQ, AttReadBlobReqFields>(
    (p) => ({ opcode: p.opcode, attributeHandle: p.handle, valueOffset: p.offset }),
    (f) => `handle ${hex(f.attributeHandle, 4)} offset ${f.valueOffset}`,
  ),
  [ATT_OP.READ_BLOB_RSP]: value,
  [ATT_OP.READ_MULTIPLE_REQ]: handles,
  [ATT_OP.READ_MULTIPLE_RSP]: wording<typeof ATT_OP.READ_MULTIPLE_RSP, AttValueFields>((p) => ({ opcode: p.opcode, value: p.values }), sumValue),
  [ATT_OP.READ_BY_GROUP_TYPE_REQ]: wording<typeof ATT_OP.READ_BY_GROUP_TYPE_REQ, AttReadByTypeReqFields>(
    (p) => ({ opcode: p.opcode, startingHandle: p.startingHandle, endingHandle: p.endingHandle, attributeType: uuidString(p.attributeGroupType) }),
    (f) => `${range(f)} group type ${f.attributeType}`,
  ),
  [ATT_OP.READ_BY_GROUP_TYPE_RSP]: wording<typeof ATT_OP.READ_BY_GROUP_TYPE_RSP, AttReadByGroupTypeRspFields>(
    (p) => ({ opcode: p.opcode, length: 4 + p.attributeData[0]!.value.length, groups: p.attributeData.map((g) => ({ handle: g.handle, endGroupHandle: g.endGroupHandle, value: g.value })) }),
    (f) => f.groups.map((g) => `${hex(g.handle, 4)}-${hex(g.endGroupHandle, 4)} ${g.value.length === 2 || g.value.length === 16 ? uuidString(g.value) : preview(g.value, 8)}`).join(', '),
  ),
  [ATT_OP.READ_MULTIPLE_VARIABLE_REQ]: handles,
  [ATT_OP.READ_MULTIPLE_VARIABLE_RSP]: wording<typeof ATT_OP.READ_MULTIPLE_VARIABLE_RSP, AttReadMultipleVariableRspFields>(
    // Only the last value may be cut short by the ATT_MTU. Vol 3 Part F 3.4.4.12.
    (p) => ({ opcode: p.opcode, values: p.tuples.map((t) => ({ length: t.length, value: t.value, truncated: t.value.length < t.length })) }),
    (f) => f.values.map((v) => `${v.length} bytes${v.truncated ? ' (truncated)' : ''}`).join(', '),
  ),
  [ATT_OP.WRITE_REQ]: handleValue,
  [ATT_OP.WRITE_RSP]: empty,
  [ATT_OP.WRITE_CMD]: handleValue,
  [ATT_OP.SIGNED_WRITE_CMD]: wording<typeof ATT_OP.SIGNED_WRITE_CMD, AttSignedWriteFields>(
    (p) => ({ opcode: p.opcode, attributeHandle: p.handle, value: p.value, authenticationSignature: p.signature.toString('hex') }),
    (f) => `handle ${hex(f.attributeHandle, 4)}, ${preview(f.value)}, signature ${f.authenticationSignature}`,
  ),
  [ATT_OP.PREPARE_WRITE_REQ]: prepare,
  [ATT_OP.PREPARE_WRITE_RSP]: prepare,
  [ATT_OP.EXECUTE_WRITE_REQ]: wording<typeof ATT_OP.EXECUTE_WRITE_REQ, AttExecuteWriteFields>((p) => ({ opcode: p.opcode, flags: p.flags, flagsName: executeFlagsName(p.flags) }), (f) => f.flagsName),
  [ATT_OP.EXECUTE_WRITE_RSP]: empty,
  [ATT_OP.HANDLE_VALUE_NTF]: handleValue,
  [ATT_OP.HANDLE_VALUE_IND]: handleValue,
  [ATT_OP.HANDLE_VALUE_CFM]: empty,
  [ATT_OP.MULTIPLE_HANDLE_VALUE_NTF]: wording<typeof ATT_OP.MULTIPLE_HANDLE_VALUE_NTF, AttMultipleNotificationFields>(
    (p) => ({ opcode: p.opcode, values: p.tuples.map((t) => ({ attributeHandle: t.handle, length: t.value.length, value: t.value })) }),
    (f) => f.values.map((v) => `${hex(v.attributeHandle, 4)} ${preview(v.value, 8)}`).join(', '),
  ),
};

/** Each PDU's entry name ("ATT Read Request"), made once: decodeAtt runs for every ATT packet the tap sees. */
const ENTRY_NAMES: ReadonlyMap<number, string> = new Map([...ATT_PDUS.keys()].map((op) => [op, 'ATT ' + attOpcodeName(op)]));
/** The tap keeps each packet with its entry and never changes it: the fields' values are views into it, not copies. */
const VIEWS = { views: true } as const;

/** Decode one ATT PDU (the L2CAP payload on CID 0x0004). Never throws: bad PDUs come back as malformed. */
export function decodeAttForTimeline(pdu: Buffer, handle?: number): Decoded<AttFields> | Decoded<MalformedFields> {
  if (pdu.length === 0) return malformed('att', 'ATT PDU', 'empty PDU: no opcode', pdu, { handle, cid: 0x0004 });
  const opcode = pdu[0]!;
  const name = ENTRY_NAMES.get(opcode);
  if (name === undefined) {
    return malformed('att', 'ATT PDU', `unknown ATT opcode ${hex(opcode)}`, pdu, { code: opcode, cid: 0x0004, handle });
  }
  const out = decodeAttPdu(pdu, VIEWS);
  if (!out.ok) return malformed('att', name, out.why, pdu, { code: opcode, cid: 0x0004, handle });
  const w = WORDINGS[out.pdu.opcode];
  return decoded('att', name, w.fields(out.pdu), pdu, w.summarize, handle);
}

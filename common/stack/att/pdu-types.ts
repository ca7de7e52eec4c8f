// One declared type per ATT PDU, fields named as the Core spec names them. Core v5.4 Vol 3 Part F 3.4
// (PDU formats); multi-octet fields travel little-endian (3.3). UUIDs are carried as their wire octets
// (2 or 16, little-endian; uuid-wire.ts reads and writes them).
import type { ATT_OP } from '../../base/codes/att.js';

type Op = typeof ATT_OP;

/** One handle/UUID pair of a Find Information Response. Vol 3 Part F 3.4.3.2. */
export interface AttInformation { readonly handle: number; readonly uuid: Buffer }
/** One found attribute and the end of its group. Vol 3 Part F 3.4.3.4. */
export interface AttHandlesInformation { readonly foundHandle: number; readonly groupEndHandle: number }
/** One handle/value pair of a Read By Type Response. Vol 3 Part F 3.4.4.2. */
export interface AttHandleValue { readonly handle: number; readonly value: Buffer }
/** One group of a Read By Group Type Response. Vol 3 Part F 3.4.4.10. */
export interface AttGroupData { readonly handle: number; readonly endGroupHandle: number; readonly value: Buffer }
/**
 * One tuple of a Read Multiple Variable Response: `length` is the value's full length, `value` what
 * the PDU carries (the last tuple may be cut at ATT_MTU - 1). Vol 3 Part F 3.4.4.12.
 */
export interface AttLengthValue { readonly length: number; readonly value: Buffer }

/** Error Response. Vol 3 Part F 3.4.1.1. */
export interface AttErrorResponse { readonly opcode: Op['ERROR_RSP']; readonly requestOpcode: number; readonly handle: number; readonly errorCode: number }
/** Exchange MTU Request. Vol 3 Part F 3.4.2.1. */
export interface AttExchangeMtuRequest { readonly opcode: Op['EXCHANGE_MTU_REQ']; readonly clientRxMtu: number }
/** Exchange MTU Response. Vol 3 Part F 3.4.2.2. */
export interface AttExchangeMtuResponse { readonly opcode: Op['EXCHANGE_MTU_RSP']; readonly serverRxMtu: number }
/** Find Information Request. Vol 3 Part F 3.4.3.1. */
export interface AttFindInformationRequest { readonly opcode: Op['FIND_INFORMATION_REQ']; readonly startingHandle: number; readonly endingHandle: number }
/** Find Information Response: format 0x01 (16-bit UUIDs) or 0x02 (128-bit), from the UUIDs' length. Vol 3 Part F 3.4.3.2. */
export interface AttFindInformationResponse { readonly opcode: Op['FIND_INFORMATION_RSP']; readonly information: readonly AttInformation[] }
/** Find By Type Value Request: a 16-bit type and the value to match. Vol 3 Part F 3.4.3.3. */
export interface AttFindByTypeValueRequest {
  readonly opcode: Op['FIND_BY_TYPE_VALUE_REQ'];
  readonly startingHandle: number;
  readonly endingHandle: number;
  readonly attributeType: number;
  readonly attributeValue: Buffer;
}
/** Find By Type Value Response. Vol 3 Part F 3.4.3.4. */
export interface AttFindByTypeValueResponse { readonly opcode: Op['FIND_BY_TYPE_VALUE_RSP']; readonly handlesInformation: readonly AttHandlesInformation[] }
/** Read By Type Request: a 16- or 128-bit type. Vol 3 Part F 3.4.4.1. */
export interface AttReadByTypeRequest { readonly opcode: Op['READ_BY_TYPE_REQ']; readonly startingHandle: number; readonly endingHandle: number; readonly attributeType: Buffer }
/** Read By Type Response: values of equal length (the Length field is 2 + that length). Vol 3 Part F 3.4.4.2. */
export interface AttReadByTypeResponse { readonly opcode: Op['READ_BY_TYPE_RSP']; readonly attributeData: readonly AttHandleValue[] }
/** Read Request. Vol 3 Part F 3.4.4.3. */
export interface AttReadRequest { readonly opcode: Op['READ_REQ']; readonly handle: number }
/** Read Response. Vol 3 Part F 3.4.4.4. */
export interface AttReadResponse { readonly opcode: Op['READ_RSP']; readonly value: Buffer }
/** Read Blob Request. Vol 3 Part F 3.4.4.5. */
export interface AttReadBlobRequest { readonly opcode: Op['READ_BLOB_REQ']; readonly handle: number; readonly offset: number }
/** Read Blob Response. Vol 3 Part F 3.4.4.6. */
export interface AttReadBlobResponse { readonly opcode: Op['READ_BLOB_RSP']; readonly value: Buffer }
/** Read Multiple Request: two or more handles. Vol 3 Part F 3.4.4.7. */
export interface AttReadMultipleRequest { readonly opcode: Op['READ_MULTIPLE_REQ']; readonly handles: readonly number[] }
/** Read Multiple Response: the values concatenated. Vol 3 Part F 3.4.4.8. */
export interface AttReadMultipleResponse { readonly opcode: Op['READ_MULTIPLE_RSP']; readonly values: Buffer }
/** Read By Group Type Request. Vol 3 Part F 3.4.4.9. */
export interface AttReadByGroupTypeRequest {
  readonly opcode: Op['READ_BY_GROUP_TYPE_REQ'];
  readonly startingHandle: number;
  readonly endingHandle: number;
  readonly attributeGroupType: Buffer;
}
/** Read By Group Type Response: values of equal length (the Length field is 4 + that length). Vol 3 Part F 3.4.4.10. */
export interface AttReadByGroupTypeResponse { readonly opcode: Op['READ_BY_GROUP_TYPE_RSP']; readonly attributeData: readonly AttGroupData[] }
/** Read Multiple Variable Request: two or more handles. Vol 3 Part F 3.4.4.11. */
export interface AttReadMultipleVariableRequest { readonly opcode: Op['READ_MULTIPLE_VARIABLE_REQ']; readonly handles: readonly number[] }
/** Read Multiple Variable Response. Vol 3 Part F 3.4.4.12. */
export interface AttReadMultipleVariableResponse { readonly opcode: Op['READ_MULTIPLE_VARIABLE_RSP']; readonly tuples: readonly AttLengthValue[] }
/** Write Request. Vol 3 Part F 3.4.5.1. */
export interface AttWriteRequest { readonly opcode: Op['WRITE_REQ']; readonly handle: number; readonly value: Buffer }
/** Write Response. Vol 3 Part F 3.4.5.2. */
export interface AttWriteResponse { readonly opcode: Op['WRITE_RSP'] }
/** Write Command. Vol 3 Part F 3.4.5.3. */
export interface AttWriteCommand { readonly opcode: Op['WRITE_CMD']; readonly handle: number; readonly value: Buffer }
/** Signed Write Command: the 12-octet Authentication Signature (SignCounter + MAC). Vol 3 Part F 3.4.5.4, Vol 3 Part H 2.4.5. */
export interface AttSignedWriteCommand { readonly opcode: Op['SIGNED_WRITE_CMD']; readonly handle: number; readonly value: Buffer; readonly signature: Buffer }
/** Prepare Write Request. Vol 3 Part F 3.4.6.1. */
export interface AttPrepareWriteRequest { readonly opcode: Op['PREPARE_WRITE_REQ']; readonly handle: number; readonly offset: number; readonly value: Buffer }
/** Prepare Write Response: the request's fields echoed. Vol 3 Part F 3.4.6.2. */
export interface AttPrepareWriteResponse { readonly opcode: Op['PREPARE_WRITE_RSP']; readonly handle: number; readonly offset: number; readonly value: Buffer }
/** Execute Write Request: flags 0x00 cancel, 0x01 write (EXECUTE_WRITE_FLAGS). Vol 3 Part F 3.4.6.3. */
export interface AttExecuteWriteRequest { readonly opcode: Op['EXECUTE_WRITE_REQ']; readonly flags: number }
/** Execute Write Response. Vol 3 Part F 3.4.6.4. */
export interface AttExecuteWriteResponse { readonly opcode: Op['EXECUTE_WRITE_RSP'] }
/** Handle Value Notification. Vol 3 Part F 3.4.7.1. */
export interface AttHandleValueNotification { readonly opcode: Op['HANDLE_VALUE_NTF']; readonly handle: number; readonly value: Buffer }
/** Handle Value Indication. Vol 3 Part F 3.4.7.2. */
export interface AttHandleValueIndication { readonly opcode: Op['HANDLE_VALUE_IND']; readonly handle: number; readonly value: Buffer }
/** Handle Value Confirmation. Vol 3 Part F 3.4.7.3. */
export interface AttHandleValueConfirmation { readonly opcode: Op['HANDLE_VALUE_CFM'] }
/** Multiple Handle Value Notification: two or more handle/length/value tuples. Vol 3 Part F 3.4.7.4. */
export interface AttMultipleHandleValueNotification { readonly opcode: Op['MULTIPLE_HANDLE_VALUE_NTF']; readonly tuples: readonly AttHandleValue[] }

export type AttPdu =
  | AttErrorResponse
  | AttExchangeMtuRequest
  | AttExchangeMtuResponse
  | AttFindInformationRequest
  | AttFindInformationResponse
  | AttFindByTypeValueRequest
  | AttFindByTypeValueResponse
  | AttReadByTypeRequest
  | AttReadByTypeResponse
  | AttReadRequest
  | AttReadResponse
  | AttReadBlobRequest
  | AttReadBlobResponse
  | AttReadMultipleRequest
  | AttReadMultipleResponse
  | AttReadByGroupTypeRequest
  | AttReadByGroupTypeResponse
  | AttReadMultipleVariableRequest
  | AttReadMultipleVariableResponse
  | AttWriteRequest
  | AttWriteResponse
  | AttWriteCommand
  | AttSignedWriteCommand
  | AttPrepareWriteRequest
  | AttPrepareWriteResponse
  | AttExecuteWriteRequest
  | AttExecuteWriteResponse
  | AttHandleValueNotification
  | AttHandleValueIndication
  | AttHandleValueConfirmation
  | AttMultipleHandleValueNotification;

/** The PDU type of an opcode: AttPduOf<typeof ATT_OP.READ_REQ> is AttReadRequest. */
export type AttPduOf<O extends AttPdu['opcode']> = Extract<AttPdu, { opcode: O }>;

/** Execute Write Request flags. Vol 3 Part F 3.4.6.3. */
export const EXECUTE_WRITE_FLAGS = { CANCEL_ALL: 0x00, WRITE_ALL: 0x01 } as const;
/** Find Information Response formats. Vol 3 Part F 3.4.3.2. */
export const FIND_INFORMATION_FORMAT = { UUID16: 0x01, UUID128: 0x02 } as const;
/** Highest attribute handle; 0x0000 is reserved. Vol 3 Part F 3.2.2. */
export const ATT_LAST_HANDLE = 0xffff;
export const ATT_RESERVED_HANDLE = 0x0000;

/**
 * What a PDU is in the protocol. Vol 3 Part F 3.3 (methods): a request is answered by a response or
 * an Error Response; commands and notifications get no answer; an indication gets a confirmation.
 */
export type AttMethod = 'request' | 'response' | 'command' | 'notification' | 'indication' | 'confirmation';

/** A decoded PDU, or why the octets are not one. Decoding never throws. */
export type AttDecoded = { readonly ok: true; readonly pdu: AttPdu } | AttInvalid;
export interface AttInvalid {
  readonly ok: false;
  /** The first octet, when there was one. */
  readonly opcode: number | undefined;
  /** `empty`: no octet; `unknown-opcode`: not a PDU of Vol 3 Part F 3.4.8; `length`: wrong length for its format; `field`: a field outside its range. */
  readonly problem: 'empty' | 'unknown-opcode' | 'length' | 'field';
  /** In words, naming the PDU and what was wrong. */
  readonly why: string;
}

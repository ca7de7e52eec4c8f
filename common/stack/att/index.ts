// One declared type per ATT PDU, one encoder and one decoder. Core v5.4 Vol 3 Part F 3.4.
export * from './pdu-types.js';
export * from './uuid-wire.js';
export { encodeAtt, decodeAtt, attMethodOf, attSection, hasAuthSignature, ATT_PDUS } from './pdu-table.js';
export type { AttCodec, AttFieldProblem, TakeOctets } from './codec.js';
export type { DecodeAttOptions } from './pdu-table.js';

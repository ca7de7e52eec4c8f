// One ATT request of the central and its answer, in common/stack/att's declared PDUs: the request is
// encoded there, the answer decoded there. An Error Response becomes an AttError; a PDU that is not
// the expected response, or not a PDU at all, an AttProtocolError. Core v5.4 Vol 3 Part F 3.3, 3.4.
import { ATT_OP } from '../../common/base/codes/att.js';
import { decodeAtt, encodeAtt, type AttPdu, type AttPduOf } from '../../common/stack/att/index.js';
import { AttError, AttProtocolError } from '../errors.js';
import { hex } from '../../common/base/codes/code-table.js';

/** Sends one request and resolves with its response of the expected opcode (see expectResponse). */
export type Ask = <O extends AttPdu['opcode']>(request: AttPdu, expected: O) => Promise<AttPduOf<O>>;

const NOTHING = Buffer.alloc(0);
/** Octets ahead of the value of a Write Request or Command: opcode + handle. Vol 3 Part F 3.4.5.1, 3.4.5.3. */
export const WRITE_HEADER_LENGTH = encodeAtt({ opcode: ATT_OP.WRITE_REQ, handle: 0, value: NOTHING }).length;
/** Octets ahead of a prepared part: opcode + handle + offset. Vol 3 Part F 3.4.6.1. */
export const PREPARE_WRITE_HEADER_LENGTH = encodeAtt({ opcode: ATT_OP.PREPARE_WRITE_REQ, handle: 0, offset: 0, value: NOTHING }).length;
/** Octets ahead of a read value: the opcode. Vol 3 Part F 3.4.4.4, 3.4.4.6. */
export const READ_HEADER_LENGTH = encodeAtt({ opcode: ATT_OP.READ_RSP, value: NOTHING }).length;


/** The answer to `request` must be `expected`; an Error Response becomes an AttError, anything else an AttProtocolError. */
export function expectResponse<O extends AttPdu['opcode']>(request: AttPdu, answer: Buffer, expected: O): AttPduOf<O> {
  const decoded = decodeAtt(answer);
  if (decoded.ok && decoded.pdu.opcode === ATT_OP.ERROR_RSP) {
    throw new AttError(decoded.pdu.errorCode, decoded.pdu.requestOpcode, decoded.pdu.handle);
  }
  if (answer[0] !== expected) {
    throw new AttProtocolError(`the server answered the request ${hex(request.opcode)} with opcode ${hex(answer[0] ?? 0)}, not ${hex(expected)}`);
  }
  if (!decoded.ok) throw new AttProtocolError(`the server's answer to the request ${hex(request.opcode)} is malformed: ${decoded.why}`);
  return decoded.pdu as AttPduOf<O>;
}

/** The octets of a request or command, for the bearer. */
export const attOctets = (pdu: AttPdu): Buffer => encodeAtt(pdu);

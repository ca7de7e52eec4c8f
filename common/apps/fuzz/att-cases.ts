// ATT PDUs as a rogue peer sends them: well-formed ones with hostile field values (handles 0 and
// 0xFFFF, start after end, MTUs below 23, unknown UUID sizes), then mutated. A rogue central sends
// requests and commands to the peripheral's server; a rogue peripheral sends responses,
// notifications and indications to the central's client. Core v5.4 Vol 3 Part F 3.4.
import { ATT_OP, ATT_OPCODE_TABLE, attOpcodeName, ATT_SIGNATURE_LENGTH } from '../../base/codes/att.js';
import { params } from '../../stack/air/bytes.js';
import { attUuid16, encodeAtt } from '../../stack/att/index.js';
import { mutate } from './mutate.js';
import type { FuzzRole } from './fuzz-case.js';
import type { Prng } from './prng.js';

const KNOWN_OPCODES = [...ATT_OPCODE_TABLE.keys()];
/** GATT declaration and descriptor types (Vol 3 Part G 3), the ones a server matches on. */
const GATT_TYPES = [0x2800, 0x2801, 0x2802, 0x2803, 0x2900, 0x2901, 0x2902, 0x2903, 0x2904, 0x2a00, 0x2a01, 0x2a05];

export interface AttCase {
  name: string;
  pdu: Buffer;
}

export function handle(rng: Prng): number {
  return rng.weighted<() => number>([
    [6, () => rng.int(0x0001, 0x0030)],
    [1, () => 0x0000],
    [1, () => 0xffff],
    [1, () => rng.int(0x0031, 0xffff)],
  ])();
}

function range(rng: Prng): [number, number] {
  return rng.weighted<() => [number, number]>([
    [4, () => [0x0001, 0xffff]],
    [3, () => [handle(rng), handle(rng)]], // start > end half of the time
    [1, () => [0x0000, 0x0000]],
  ])();
}

function uuid(rng: Prng): Buffer {
  return rng.weighted<() => Buffer>([
    [5, () => attUuid16(rng.pick(GATT_TYPES))],
    [2, () => attUuid16(rng.int(0, 0xffff))],
    [2, () => rng.bytes(16)],
    [1, () => rng.bytes(rng.pick([0, 1, 3, 4, 15, 17]))], // neither 2 nor 16 octets
  ])();
}

function value(rng: Prng): Buffer {
  return rng.bytes(rng.weighted<number>([
    [4, rng.int(0, 4)],
    [2, rng.int(5, 22)],
    [1, rng.int(23, 260)],
    [1, rng.int(500, 520)],
  ]));
}

/** Any opcode, assigned or not, with any octets after it: the one layout common/stack/att cannot write. */
const anyOpcode = (rng: Prng) => params().u8(rng.int(0, 0xff)).bytesOf(rng.bytes(rng.int(0, 30))).build();
const handles = (rng: Prng, most: number) => Array.from({ length: rng.int(0, most) }, () => handle(rng));

/**
 * A response list with a hostile first field now and then: the Length (Read By Type / Read By
 * Group Type Response, Vol 3 Part F 3.4.4.2, 3.4.4.10) or Format (Find Information Response,
 * 3.4.3.2) octet right after the opcode, replaced by any value.
 */
function hostileFirstField(rng: Prng, pdu: Buffer, odds: number, values: () => number): Buffer {
  if (pdu.length < 2 || !rng.chance(odds)) return pdu;
  const out = Buffer.from(pdu);
  out[1] = values();
  return out;
}

/** A client's PDUs: what a rogue central sends to the peripheral's ATT server. */
function clientPdu(rng: Prng): Buffer {
  return rng.weighted<() => Buffer>([
    [2, () => encodeAtt({ opcode: ATT_OP.EXCHANGE_MTU_REQ, clientRxMtu: rng.pick([0, 1, 22, 23, 24, 185, 247, 517, 518, 0xffff]) })],
    [2, () => encodeAtt({ opcode: ATT_OP.FIND_INFORMATION_REQ, startingHandle: range(rng)[0], endingHandle: range(rng)[1] })],
    [2, () => {
      const [s, e] = range(rng);
      return encodeAtt({ opcode: ATT_OP.FIND_BY_TYPE_VALUE_REQ, startingHandle: s, endingHandle: e, attributeType: rng.pick(GATT_TYPES), attributeValue: value(rng) });
    }],
    [3, () => {
      const [s, e] = range(rng);
      return encodeAtt({ opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: s, endingHandle: e, attributeType: uuid(rng) });
    }],
    [4, () => encodeAtt({ opcode: ATT_OP.READ_REQ, handle: handle(rng) })],
    [3, () => encodeAtt({ opcode: ATT_OP.READ_BLOB_REQ, handle: handle(rng), offset: rng.pick([0, 1, 22, 100, 511, 512, 513, 0xffff]) })],
    [2, () => encodeAtt({ opcode: ATT_OP.READ_MULTIPLE_REQ, handles: handles(rng, 12) })],
    [2, () => {
      const [s, e] = range(rng);
      return encodeAtt({ opcode: ATT_OP.READ_BY_GROUP_TYPE_REQ, startingHandle: s, endingHandle: e, attributeGroupType: uuid(rng) });
    }],
    [4, () => encodeAtt({ opcode: ATT_OP.WRITE_REQ, handle: handle(rng), value: value(rng) })],
    [3, () => encodeAtt({ opcode: ATT_OP.WRITE_CMD, handle: handle(rng), value: value(rng) })],
    [1, () => encodeAtt({ opcode: ATT_OP.SIGNED_WRITE_CMD, handle: handle(rng), value: value(rng), signature: rng.bytes(ATT_SIGNATURE_LENGTH) })],
    [3, () => encodeAtt({ opcode: ATT_OP.PREPARE_WRITE_REQ, handle: handle(rng), offset: rng.pick([0, 1, 18, 512, 513, 0xffff]), value: value(rng) })],
    [2, () => encodeAtt({ opcode: ATT_OP.EXECUTE_WRITE_REQ, flags: rng.pick([0x00, 0x01, 0x02, 0xff]) })],
    [1, () => encodeAtt({ opcode: ATT_OP.HANDLE_VALUE_CFM })],
    [1, () => encodeAtt({ opcode: ATT_OP.READ_MULTIPLE_VARIABLE_REQ, handles: handles(rng, 6) })],
    [1, () => serverPdu(rng)], // the wrong direction
    [1, () => anyOpcode(rng)],
  ])();
}

/** A server's PDUs: what a rogue peripheral sends to the central's ATT client. */
function serverPdu(rng: Prng): Buffer {
  const entries = <T>(entry: () => T) => Array.from({ length: rng.int(0, 6) }, entry);
  // Entries of unequal length make a list whose Length (taken from the first) fits only some of them.
  const shortValue = () => value(rng).subarray(0, rng.int(0, 20));
  return rng.weighted<() => Buffer>([
    [3, () => encodeAtt({ opcode: ATT_OP.ERROR_RSP, requestOpcode: rng.pick(KNOWN_OPCODES), handle: handle(rng), errorCode: rng.weighted([[3, rng.int(0x01, 0x13)], [1, rng.int(0, 0xff)]]) })],
    [2, () => encodeAtt({ opcode: ATT_OP.EXCHANGE_MTU_RSP, serverRxMtu: rng.pick([0, 22, 23, 247, 517, 0xffff]) })],
    [2, () => hostileFirstField(rng, encodeAtt({ opcode: ATT_OP.FIND_INFORMATION_RSP, information: entries(() => ({ handle: handle(rng), uuid: uuid(rng) })) }), 0.5, () => rng.pick([0, 1, 2, 3]))],
    [1, () => encodeAtt({ opcode: ATT_OP.FIND_BY_TYPE_VALUE_RSP, handlesInformation: entries(() => ({ foundHandle: handle(rng), groupEndHandle: handle(rng) })) })],
    [3, () => hostileFirstField(rng, encodeAtt({ opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: entries(() => ({ handle: handle(rng), value: shortValue() })) }), 0.2, () => rng.int(0, 0xff))],
    [3, () => encodeAtt({ opcode: ATT_OP.READ_RSP, value: value(rng) })],
    [2, () => encodeAtt({ opcode: ATT_OP.READ_BLOB_RSP, value: value(rng) })],
    [1, () => encodeAtt({ opcode: ATT_OP.READ_MULTIPLE_RSP, values: value(rng) })],
    [3, () => hostileFirstField(rng, encodeAtt({ opcode: ATT_OP.READ_BY_GROUP_TYPE_RSP, attributeData: entries(() => ({ handle: handle(rng), endGroupHandle: handle(rng), value: uuid(rng) })) }), 0.2, () => rng.int(0, 0xff))],
    [2, () => encodeAtt({ opcode: ATT_OP.WRITE_RSP })],
    [2, () => encodeAtt({ opcode: ATT_OP.PREPARE_WRITE_RSP, handle: handle(rng), offset: rng.int(0, 0xffff), value: value(rng) })],
    [1, () => encodeAtt({ opcode: ATT_OP.EXECUTE_WRITE_RSP })],
    [4, () => encodeAtt({ opcode: ATT_OP.HANDLE_VALUE_NTF, handle: handle(rng), value: value(rng) })],
    [3, () => encodeAtt({ opcode: ATT_OP.HANDLE_VALUE_IND, handle: handle(rng), value: value(rng) })],
    // A Length that may claim more or fewer octets than the value carries.
    [1, () => encodeAtt({ opcode: ATT_OP.READ_MULTIPLE_VARIABLE_RSP, tuples: entries(() => ({ length: rng.int(0, 30), value: rng.bytes(rng.int(0, 8)) })) })],
    [1, () => encodeAtt({ opcode: ATT_OP.MULTIPLE_HANDLE_VALUE_NTF, tuples: entries(() => ({ handle: handle(rng), value: rng.bytes(rng.int(0, 8)) })) })],
    [1, () => anyOpcode(rng)],
  ])();
}

/** One ATT PDU for the role under test: well-formed 40% of the time, mutated otherwise. */
export function attPdu(rng: Prng, target: FuzzRole): AttCase {
  const pdu = target === 'peripheral' ? clientPdu(rng) : serverPdu(rng);
  const base = pdu.length ? attOpcodeName(pdu[0]!) : 'empty ATT PDU';
  if (rng.chance(0.4)) return { name: `ATT ${base}`, pdu };
  const m = mutate(rng, pdu, KNOWN_OPCODES);
  return { name: `ATT ${base}, ${m.how}`, pdu: m.bytes };
}

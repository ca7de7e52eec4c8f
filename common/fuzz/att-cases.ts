// ATT PDUs as a rogue peer sends them: well-formed ones with hostile field values (handles 0 and
// 0xFFFF, start after end, MTUs below 23, unknown UUID sizes), then mutated. A rogue central sends
// requests and commands to the peripheral's server; a rogue peripheral sends responses,
// notifications and indications to the central's client. Core v5.4 Vol 3 Part F 3.4.
import { ATT_OP, ATT_OPCODE_TABLE, attOpcodeName, ATT_SIGNATURE_LENGTH } from '../codes/att.js';
import { params } from '../air/bytes.js';
import { mutate } from './mutate.js';
import type { FuzzRole } from './fuzz-case.js';
import type { Prng } from './prng.js';

const KNOWN_OPCODES = [...ATT_OPCODE_TABLE.keys()];
/** GATT declaration and descriptor types (Vol 3 Part G 3), the ones a server matches on. */
const GATT_TYPES = [0x2800, 0x2801, 0x2802, 0x2803, 0x2900, 0x2901, 0x2902, 0x2903, 0x2904, 0x2a00, 0x2a01, 0x2a05];

export interface AttPdu {
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
    [5, () => params().u16(rng.pick(GATT_TYPES)).build()],
    [2, () => params().u16(rng.int(0, 0xffff)).build()],
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

const op = (code: number) => params().u8(code);

/** A client's PDUs: what a rogue central sends to the peripheral's ATT server. */
function clientPdu(rng: Prng): Buffer {
  return rng.weighted<() => Buffer>([
    [2, () => op(ATT_OP.EXCHANGE_MTU_REQ).u16(rng.pick([0, 1, 22, 23, 24, 185, 247, 517, 518, 0xffff])).build()],
    [2, () => op(ATT_OP.FIND_INFORMATION_REQ).u16(range(rng)[0]).u16(range(rng)[1]).build()],
    [2, () => {
      const [s, e] = range(rng);
      return op(ATT_OP.FIND_BY_TYPE_VALUE_REQ).u16(s).u16(e).u16(rng.pick(GATT_TYPES)).bytesOf(value(rng)).build();
    }],
    [3, () => {
      const [s, e] = range(rng);
      return op(ATT_OP.READ_BY_TYPE_REQ).u16(s).u16(e).bytesOf(uuid(rng)).build();
    }],
    [4, () => op(ATT_OP.READ_REQ).u16(handle(rng)).build()],
    [3, () => op(ATT_OP.READ_BLOB_REQ).u16(handle(rng)).u16(rng.pick([0, 1, 22, 100, 511, 512, 513, 0xffff])).build()],
    [2, () => {
      const w = op(ATT_OP.READ_MULTIPLE_REQ);
      for (let i = rng.int(0, 12); i > 0; i--) w.u16(handle(rng));
      return w.build();
    }],
    [2, () => {
      const [s, e] = range(rng);
      return op(ATT_OP.READ_BY_GROUP_TYPE_REQ).u16(s).u16(e).bytesOf(uuid(rng)).build();
    }],
    [4, () => op(ATT_OP.WRITE_REQ).u16(handle(rng)).bytesOf(value(rng)).build()],
    [3, () => op(ATT_OP.WRITE_CMD).u16(handle(rng)).bytesOf(value(rng)).build()],
    [1, () => op(ATT_OP.SIGNED_WRITE_CMD).u16(handle(rng)).bytesOf(value(rng)).bytesOf(rng.bytes(ATT_SIGNATURE_LENGTH)).build()],
    [3, () => op(ATT_OP.PREPARE_WRITE_REQ).u16(handle(rng)).u16(rng.pick([0, 1, 18, 512, 513, 0xffff])).bytesOf(value(rng)).build()],
    [2, () => op(ATT_OP.EXECUTE_WRITE_REQ).u8(rng.pick([0x00, 0x01, 0x02, 0xff])).build()],
    [1, () => op(ATT_OP.HANDLE_VALUE_CFM).build()],
    [1, () => {
      const w = op(ATT_OP.READ_MULTIPLE_VARIABLE_REQ);
      for (let i = rng.int(0, 6); i > 0; i--) w.u16(handle(rng));
      return w.build();
    }],
    [1, () => serverPdu(rng)], // the wrong direction
    [1, () => op(rng.int(0, 0xff)).bytesOf(rng.bytes(rng.int(0, 30))).build()], // any opcode, assigned or not
  ])();
}

/** A server's PDUs: what a rogue peripheral sends to the central's ATT client. */
function serverPdu(rng: Prng): Buffer {
  const list = (entry: () => Buffer, lengthOctet: boolean) => {
    const entries = Array.from({ length: rng.int(0, 6) }, entry);
    const len = rng.chance(0.8) ? (entries[0]?.length ?? 0) : rng.int(0, 0xff);
    const w = params();
    if (lengthOctet) w.u8(len);
    for (const e of entries) w.bytesOf(e);
    return w.build();
  };
  return rng.weighted<() => Buffer>([
    [3, () => op(ATT_OP.ERROR_RSP).u8(rng.pick(KNOWN_OPCODES)).u16(handle(rng)).u8(rng.weighted([[3, rng.int(0x01, 0x13)], [1, rng.int(0, 0xff)]])).build()],
    [2, () => op(ATT_OP.EXCHANGE_MTU_RSP).u16(rng.pick([0, 22, 23, 247, 517, 0xffff])).build()],
    [2, () => op(ATT_OP.FIND_INFORMATION_RSP).u8(rng.pick([0, 1, 2, 3])).bytesOf(list(() => params().u16(handle(rng)).bytesOf(uuid(rng)).build(), false)).build()],
    [1, () => op(ATT_OP.FIND_BY_TYPE_VALUE_RSP).bytesOf(list(() => params().u16(handle(rng)).u16(handle(rng)).build(), false)).build()],
    [3, () => op(ATT_OP.READ_BY_TYPE_RSP).bytesOf(list(() => params().u16(handle(rng)).bytesOf(value(rng).subarray(0, rng.int(0, 20))).build(), true)).build()],
    [3, () => op(ATT_OP.READ_RSP).bytesOf(value(rng)).build()],
    [2, () => op(ATT_OP.READ_BLOB_RSP).bytesOf(value(rng)).build()],
    [1, () => op(ATT_OP.READ_MULTIPLE_RSP).bytesOf(value(rng)).build()],
    [3, () => op(ATT_OP.READ_BY_GROUP_TYPE_RSP).bytesOf(list(() => params().u16(handle(rng)).u16(handle(rng)).bytesOf(uuid(rng)).build(), true)).build()],
    [2, () => op(ATT_OP.WRITE_RSP).build()],
    [2, () => op(ATT_OP.PREPARE_WRITE_RSP).u16(handle(rng)).u16(rng.int(0, 0xffff)).bytesOf(value(rng)).build()],
    [1, () => op(ATT_OP.EXECUTE_WRITE_RSP).build()],
    [4, () => op(ATT_OP.HANDLE_VALUE_NTF).u16(handle(rng)).bytesOf(value(rng)).build()],
    [3, () => op(ATT_OP.HANDLE_VALUE_IND).u16(handle(rng)).bytesOf(value(rng)).build()],
    [1, () => op(ATT_OP.READ_MULTIPLE_VARIABLE_RSP).bytesOf(list(() => params().u16(rng.int(0, 30)).bytesOf(rng.bytes(rng.int(0, 8))).build(), false)).build()],
    [1, () => op(ATT_OP.MULTIPLE_HANDLE_VALUE_NTF).bytesOf(list(() => params().u16(handle(rng)).u16(rng.int(0, 30)).bytesOf(rng.bytes(rng.int(0, 8))).build(), false)).build()],
    [1, () => op(rng.int(0, 0xff)).bytesOf(rng.bytes(rng.int(0, 30))).build()],
  ])();
}

/** One ATT PDU for the role under test: well-formed 40% of the time, mutated otherwise. */
export function attPdu(rng: Prng, target: FuzzRole): AttPdu {
  const pdu = target === 'peripheral' ? clientPdu(rng) : serverPdu(rng);
  const base = pdu.length ? attOpcodeName(pdu[0]!) : 'empty ATT PDU';
  if (rng.chance(0.4)) return { name: `ATT ${base}`, pdu };
  const m = mutate(rng, pdu, KNOWN_OPCODES);
  return { name: `ATT ${base}, ${m.how}`, pdu: m.bytes };
}

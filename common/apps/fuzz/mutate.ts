// Mutations of a well-formed PDU: bit flips, truncation, extension (past ATT_MTU and past the
// L2CAP/ACL sizes), a wrong first octet, a reserved value at a random place. Each returns a
// new buffer and words for the finding.
import type { Prng } from './prng.js';
import { hex } from '../../base/codes/code-table.js';

export interface Mutated {
  bytes: Buffer;
  how: string;
}

/** The largest PDU the fuzzer builds: well past any ATT_MTU (517) and the ACL buffer (251). */
export const MAX_FUZZ_PDU = 700;

export function flipBits(rng: Prng, pdu: Buffer): Mutated {
  const out = Buffer.from(pdu);
  if (out.length === 0) return { bytes: out, how: 'empty' };
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    const at = rng.int(0, out.length - 1);
    out[at]! ^= 1 << rng.int(0, 7);
  }
  return { bytes: out, how: `${n} bit${n > 1 ? 's' : ''} flipped` };
}

export function truncate(rng: Prng, pdu: Buffer): Mutated {
  const len = pdu.length === 0 ? 0 : rng.int(0, pdu.length - 1);
  return { bytes: Buffer.from(pdu.subarray(0, len)), how: `truncated to ${len}` };
}

export function extend(rng: Prng, pdu: Buffer): Mutated {
  const target = rng.weighted<[number, number]>([
    [3, [pdu.length + 1, pdu.length + 4]],
    [2, [20, 30]], // around the default ATT_MTU (23)
    [2, [240, 260]], // around the ACL buffer (251)
    [2, [510, 530]], // around the largest ATT_MTU (517) and attribute value (512)
    [1, [600, MAX_FUZZ_PDU]],
  ]);
  const len = Math.max(pdu.length + 1, rng.int(target[0], target[1]));
  const fill = rng.weighted<[number, () => number]>([
    [2, [0, () => rng.u32() & 0xff]],
    [1, [0, () => 0x00]],
    [1, [0, () => 0xff]],
  ])[1];
  const out = Buffer.alloc(len);
  pdu.copy(out);
  for (let i = pdu.length; i < len; i++) out[i] = fill();
  return { bytes: out, how: `extended to ${len}` };
}

export function wrongFirstOctet(rng: Prng, pdu: Buffer, codes: readonly number[]): Mutated {
  const out = Buffer.from(pdu.length ? pdu : Buffer.alloc(1));
  const v = rng.chance(0.5) ? rng.pick(codes) : rng.int(0, 0xff);
  out[0] = v;
  return { bytes: out, how: `opcode set to ${hex(v)}` };
}

/** A boundary value (0x00, 0xff, 0x7f, 0x80...) at one random position after the first octet. */
export function boundaryOctet(rng: Prng, pdu: Buffer): Mutated {
  const out = Buffer.from(pdu);
  if (out.length < 2) return truncate(rng, pdu);
  const at = rng.int(1, out.length - 1);
  const v = rng.pick([0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff]);
  out[at] = v;
  return { bytes: out, how: `octet ${at} set to ${hex(v)}` };
}

/** One or two mutations, chosen by weight. */
export function mutate(rng: Prng, pdu: Buffer, codes: readonly number[]): Mutated {
  const one = (b: Buffer): Mutated =>
    rng.weighted<(x: Buffer) => Mutated>([
      [3, (x) => flipBits(rng, x)],
      [3, (x) => truncate(rng, x)],
      [2, (x) => extend(rng, x)],
      [1, (x) => wrongFirstOctet(rng, x, codes)],
      [2, (x) => boundaryOctet(rng, x)],
    ])(b);
  const first = one(pdu);
  if (!rng.chance(0.25)) return first;
  const second = one(first.bytes);
  return { bytes: second.bytes, how: `${first.how}, ${second.how}` };
}

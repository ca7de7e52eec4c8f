// The LE Security Manager's cryptographic toolbox, named after Core v5.4 Vol 3 Part H 2.2.
// Every argument and result is a Buffer in the spec's order (most significant octet first);
// byte-order.ts converts to and from the order the octets travel.
import { aesCmac, e } from './aes.js';

export { aesCmac, e };

function len(fn: string, name: string, buf: Uint8Array, octets: number): void {
  if (buf.length !== octets) throw new RangeError(`${fn}: ${name} must be ${octets} octets, got ${buf.length}`);
}

function xor(a: Uint8Array, b: Uint8Array): Buffer {
  return Buffer.from(a.map((v, i) => v ^ b[i]!));
}

// ah lives in a leaf the controller also imports (LL Privacy).
export { ah } from '../../base/crypto/random-address.js';

/**
 * c1: the LE legacy confirm value. Vol 3 Part H 2.2.3.
 * p1 = pres || preq || rat' || iat', p2 = padding || ia || ra; c1 = e(k, e(k, r XOR p1) XOR p2).
 * preq and pres are the 7-octet Pairing Request/Response commands as 56-bit values (MSB-first).
 */
export function c1(
  k: Uint8Array,
  r: Uint8Array,
  preq: Uint8Array,
  pres: Uint8Array,
  iat: number,
  rat: number,
  ia: Uint8Array,
  ra: Uint8Array,
): Buffer {
  len('c1', 'k', k, 16);
  len('c1', 'r', r, 16);
  len('c1', 'preq', preq, 7);
  len('c1', 'pres', pres, 7);
  len('c1', 'ia', ia, 6);
  len('c1', 'ra', ra, 6);
  const p1 = Buffer.concat([pres, preq, Buffer.from([rat & 1, iat & 1])]);
  const p2 = Buffer.concat([Buffer.alloc(4), ia, ra]);
  return e(k, xor(e(k, xor(r, p1)), p2));
}

/** s1(k, r1, r2): the LE legacy STK. Vol 3 Part H 2.2.4: e(k, r1' || r2'), the low 64 bits of each. */
export function s1(k: Uint8Array, r1: Uint8Array, r2: Uint8Array): Buffer {
  len('s1', 'k', k, 16);
  len('s1', 'r1', r1, 16);
  len('s1', 'r2', r2, 16);
  return e(k, Buffer.concat([r1.subarray(8), r2.subarray(8)]));
}

/** f4(U, V, X, Z): the LE Secure Connections confirm value. Vol 3 Part H 2.2.6: AES-CMAC_X(U || V || Z). */
export function f4(u: Uint8Array, v: Uint8Array, x: Uint8Array, z: number): Buffer {
  len('f4', 'U', u, 32);
  len('f4', 'V', v, 32);
  len('f4', 'X', x, 16);
  return aesCmac(x, Buffer.concat([u, v, Buffer.from([z & 0xff])]));
}

/** SALT and keyID of f5. Vol 3 Part H 2.2.7. */
const F5_SALT = Buffer.from('6c888391aaf5a53860370bdb5a6083be', 'hex');
const F5_KEY_ID = Buffer.from('62746c65', 'hex'); // "btle"
const F5_LENGTH = Buffer.from('0100', 'hex'); // 256 bits

/**
 * f5(W, N1, N2, A1, A2): MacKey and LTK from the DHKey. Vol 3 Part H 2.2.7.
 * T = AES-CMAC_SALT(W); MacKey = AES-CMAC_T(0 || keyID || N1 || N2 || A1 || A2 || 256), LTK the same with counter 1.
 */
export function f5(w: Uint8Array, n1: Uint8Array, n2: Uint8Array, a1: Uint8Array, a2: Uint8Array): { macKey: Buffer; ltk: Buffer } {
  len('f5', 'W', w, 32);
  len('f5', 'N1', n1, 16);
  len('f5', 'N2', n2, 16);
  len('f5', 'A1', a1, 7);
  len('f5', 'A2', a2, 7);
  const t = aesCmac(F5_SALT, w);
  const m = (counter: number) => Buffer.concat([Buffer.from([counter]), F5_KEY_ID, n1, n2, a1, a2, F5_LENGTH]);
  return { macKey: aesCmac(t, m(0)), ltk: aesCmac(t, m(1)) };
}

/** f6(W, N1, N2, R, IOcap, A1, A2): the DHKey check value. Vol 3 Part H 2.2.8. */
export function f6(
  w: Uint8Array,
  n1: Uint8Array,
  n2: Uint8Array,
  r: Uint8Array,
  ioCap: Uint8Array,
  a1: Uint8Array,
  a2: Uint8Array,
): Buffer {
  len('f6', 'W', w, 16);
  len('f6', 'N1', n1, 16);
  len('f6', 'N2', n2, 16);
  len('f6', 'R', r, 16);
  len('f6', 'IOcap', ioCap, 3);
  len('f6', 'A1', a1, 7);
  len('f6', 'A2', a2, 7);
  return aesCmac(w, Buffer.concat([n1, n2, r, ioCap, a1, a2]));
}

/** g2(U, V, X, Y): the 32-bit value behind Numeric Comparison. Vol 3 Part H 2.2.9: AES-CMAC_X(U || V || Y) mod 2^32. */
export function g2(u: Uint8Array, v: Uint8Array, x: Uint8Array, y: Uint8Array): number {
  len('g2', 'U', u, 32);
  len('g2', 'V', v, 32);
  len('g2', 'X', x, 16);
  len('g2', 'Y', y, 16);
  return aesCmac(x, Buffer.concat([u, v, y])).readUInt32BE(12);
}

/** The six-digit number both users compare: g2 mod 10^6. Vol 3 Part H 2.3.5.6.2. */
export const numericComparisonValue = (g2Value: number): number => g2Value % 1_000_000;

/** h6(W, keyID): link key conversion. Vol 3 Part H 2.2.10: AES-CMAC_W(keyID). */
export function h6(w: Uint8Array, keyId: Uint8Array): Buffer {
  len('h6', 'W', w, 16);
  len('h6', 'keyID', keyId, 4);
  return aesCmac(w, keyId);
}

/** h7(SALT, W): link key conversion with a salt. Vol 3 Part H 2.2.11: AES-CMAC_SALT(W). */
export function h7(salt: Uint8Array, w: Uint8Array): Buffer {
  len('h7', 'SALT', salt, 16);
  len('h7', 'W', w, 16);
  return aesCmac(salt, w);
}

// The block cipher under every SMP function: the security function e (Core v5.4 Vol 3 Part H 2.2.1)
// and AES-CMAC (RFC 4493, Vol 3 Part H 2.2.5), on node's AES-128-ECB. MSB-first in and out, as FIPS-197.
import { createCipheriv } from 'node:crypto';

const BLOCK = 16;

function check(name: string, buf: Uint8Array, len: number): void {
  if (buf.length !== len) throw new RangeError(`${name} must be ${len} octets, got ${buf.length}`);
}

/** e(key, plaintextData): AES-128 of one block. Vol 3 Part H 2.2.1. */
export function e(key: Uint8Array, plaintext: Uint8Array): Buffer {
  check('e: key', key, BLOCK);
  check('e: plaintextData', plaintext, BLOCK);
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

function xor(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** One left shift of a 128-bit block; XOR Rb (0x87) when the top bit fell out. RFC 4493 2.3. */
function doubleBlock(b: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((b[i]! << 1) | (i + 1 < BLOCK ? b[i + 1]! >> 7 : 0)) & 0xff;
  if (b[0]! & 0x80) out[BLOCK - 1] = out[BLOCK - 1]! ^ 0x87;
  return out;
}

/** AES-CMAC_k(m), 128-bit MAC. RFC 4493 2.4 (Generate_Subkey, then the CBC-MAC with K1/K2). */
export function aesCmac(key: Uint8Array, message: Uint8Array): Buffer {
  check('AES-CMAC: key', key, BLOCK);
  const k1 = doubleBlock(e(key, Buffer.alloc(BLOCK)));
  const k2 = doubleBlock(k1);
  const n = Math.max(1, Math.ceil(message.length / BLOCK));
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const last = Buffer.alloc(BLOCK);
  Buffer.from(message.subarray((n - 1) * BLOCK)).copy(last);
  if (!complete) last[message.length - (n - 1) * BLOCK] = 0x80; // padding 10^i
  const mLast = xor(last, complete ? k1 : k2);
  let x: Buffer = Buffer.alloc(BLOCK);
  for (let i = 0; i < n - 1; i++) x = e(key, xor(x, message.subarray(i * BLOCK, (i + 1) * BLOCK)));
  return e(key, xor(x, mLast));
}

// The crypto toolbox against published sample data:
// - AES-CMAC: RFC 4493 section 4 (the four examples, key 2b7e1516…), also Core v5.4 Vol 3 Part H D.1.
// - f4, f5, f6, g2, h6, h7, ah: Core v5.4 Vol 3 Part H Appendix D (D.2-D.8).
// - c1, s1: the worked examples in Vol 3 Part H 2.2.3 and 2.2.4.
// - P-256: the debug key pair (Vol 3 Part H 2.3.5.6.1) and the ECDH sample data of Vol 2 Part G 7.1.2
//   (private keys A and B, their public keys and the DHKey ec0234a3…), which Appendix D reuses.
// Values are written as in the spec, most significant octet first.
import { describe, expect, it } from 'vitest';
import { ah, aesCmac, c1, e, f4, f5, f6, g2, h6, h7, numericComparisonValue, s1 } from '../../common/stack/smp/toolbox.js';
import { debugKeyPair, dhKey, generateP256KeyPair, isValidPublicKey, p256KeyPairFromPrivate, InvalidPublicKeyError } from '../../common/stack/smp/p256.js';
import { address56, addressBytes, fromWire, toWire, uintBytes } from '../../common/stack/smp/byte-order.js';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const PRIVATE_A = h('3f49f6d4 a3c55f38 74c9b3e3 d2103f50 4aff607b eb40b799 5899b8a6 cd3c1abd');
const PUBLIC_A_X = h('20b003d2 f297be2c 5e2c83a7 e9f9a5b9 eff49111 acf4fddb cc030148 0e359de6');
const PUBLIC_A_Y = h('dc809c49 652aeb6d 63329abf 5a52155c 766345c2 8fed3024 741c8ed0 1589d28b');
const PRIVATE_B = h('55188b3d 32f6bb9a 900afcfb eed4e72a 59cb9ac2 f19d7cfb 6b4fdd49 f47fc5fd');
const PUBLIC_B_X = h('1ea1f0f0 1faf1d96 09592284 f19e4c00 47b58afd 8615a69f 559077b2 2faaa190');
const PUBLIC_B_Y = h('4c55f33e 429dad37 7356703a 9ab85160 472d1130 e28e3676 5f89aff9 15b1214a');
const DHKEY = h('ec0234a3 57c8ad05 341010a6 0a397d9b 99796b13 b4f866f1 868d34f3 73bfa698');
const N1 = h('d5cb8454 d177733e ffffb2ec 712baeab');
const N2 = h('a6e8e7cc 25a75f6e 216583f7 ff3dc4cf');
const A1 = h('00561237 37bfce');
const A2 = h('00a71370 2dcfc1');
const KEY_128 = h('ec0234a3 57c8ad05 341010a6 0a397d9b');

describe('AES-CMAC (RFC 4493 section 4)', () => {
  const key = h('2b7e1516 28aed2a6 abf71588 09cf4f3c');
  const m64 = h('6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51 30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710');
  it.each([
    [0, 'bb1d6929 e9593728 7fa37d12 9b756746'],
    [16, '070a16b4 6b4d4144 f79bdd9d d04a287c'],
    [40, 'dfa66747 de9ae630 30ca3261 1497c827'],
    [64, '51f0bebf 7e3b9d92 fc497417 79363cfe'],
  ])('a %i-octet message gives the published MAC', (n, mac) => {
    expect(aesCmac(key, m64.subarray(0, n)).toString('hex')).toBe(h(mac).toString('hex'));
  });
  it('e is AES-128 (the RFC 4493 subkey L = AES-128(K, 0^128))', () => {
    expect(e(key, Buffer.alloc(16)).toString('hex')).toBe('7df76b0c1ab899b33e42f047b91b546f');
  });
});

describe('LE legacy functions (Vol 3 Part H 2.2.3, 2.2.4, D.7)', () => {
  it('c1 gives the confirm value of the worked example', () => {
    const r = h('5783D52156AD6F0E6388274EC6702EE0');
    const preq = h('07071000000101');
    const pres = h('05000800000302');
    const out = c1(Buffer.alloc(16), r, preq, pres, 1, 0, h('A1A2A3A4A5A6'), h('B1B2B3B4B5B6'));
    expect(out.toString('hex')).toBe('1e1e3fef878988ead2a74dc5bef13b86');
  });
  it('s1 gives the STK of the worked example', () => {
    const out = s1(Buffer.alloc(16), h('000F0E0D0C0B0A091122334455667788'), h('010203040506070899AABBCCDDEEFF00'));
    expect(out.toString('hex')).toBe('9a1fe1f0e8b0f49b5b4216ae796da062');
  });
  it('ah gives the hash 0x0dfbaa for prand 0x708194 (D.7)', () => {
    expect(ah(KEY_128, h('708194')).toString('hex')).toBe('0dfbaa');
  });
});

describe('LE Secure Connections functions (Vol 3 Part H Appendix D)', () => {
  it('f4 (D.2)', () => {
    expect(f4(PUBLIC_A_X, PRIVATE_B, N1, 0).toString('hex')).toBe(h('f2c916f1 07a9bd1c f1eda1be a974872d').toString('hex'));
  });
  it('f5 gives MacKey and LTK (D.3)', () => {
    const { macKey, ltk } = f5(DHKEY, N1, N2, A1, A2);
    expect(macKey.toString('hex')).toBe(h('2965f176 a1084a02 fd3f6a20 ce636e20').toString('hex'));
    expect(ltk.toString('hex')).toBe(h('69867911 69d7cd23 980522b5 94750a38').toString('hex'));
  });
  it('f6 (D.4)', () => {
    const out = f6(h('2965f176 a1084a02 fd3f6a20 ce636e20'), N1, N2, h('12a3343b b453bb54 08da42d2 0c2d0fc8'), h('010102'), A1, A2);
    expect(out.toString('hex')).toBe(h('e3c47398 9cd0e8c5 d26c0b09 da958f61').toString('hex'));
  });
  it('g2 (D.5) and the six digits users compare', () => {
    const v = g2(PUBLIC_A_X, PRIVATE_B, N1, N2);
    expect(v).toBe(0x2f9ed5ba);
    expect(numericComparisonValue(v)).toBe(0x2f9ed5ba % 1_000_000);
  });
  it('h6 (D.6)', () => {
    expect(h6(KEY_128, h('6c656272')).toString('hex')).toBe(h('2d9ae102 e76dc91c e8d3a9e2 80b16399').toString('hex'));
  });
  it('h7 (D.8)', () => {
    expect(h7(h('00000000 00000000 00000000 746D7031'), KEY_128).toString('hex')).toBe(h('fb173597 c6a3c0ec d2998c2a 75a57011').toString('hex'));
  });
  it('rejects arguments of the wrong length instead of computing garbage', () => {
    expect(() => f4(PUBLIC_A_X, PRIVATE_B, N1.subarray(1), 0)).toThrow(/X must be 16 octets/);
  });
});

describe('P-256 (Vol 3 Part H 2.3.5.6.1, Vol 2 Part G 7.1.2)', () => {
  it('the debug key pair is the spec\'s, and its private key gives its public key', () => {
    const dbg = debugKeyPair();
    expect(dbg.privateKey.equals(PRIVATE_A)).toBe(true);
    const derived = p256KeyPairFromPrivate(PRIVATE_A);
    expect(derived.x.equals(PUBLIC_A_X)).toBe(true);
    expect(derived.y.equals(PUBLIC_A_Y)).toBe(true);
  });
  it('both sides of the sample data compute the sample DHKey', () => {
    const a = p256KeyPairFromPrivate(PRIVATE_A);
    const b = p256KeyPairFromPrivate(PRIVATE_B);
    expect(b.x.equals(PUBLIC_B_X) && b.y.equals(PUBLIC_B_Y)).toBe(true);
    expect(dhKey(a, PUBLIC_B_X, PUBLIC_B_Y).equals(DHKEY)).toBe(true);
    expect(dhKey(b, PUBLIC_A_X, PUBLIC_A_Y).equals(DHKEY)).toBe(true);
  });
  it('fresh key pairs agree on a DHKey', () => {
    const a = generateP256KeyPair();
    const b = generateP256KeyPair();
    expect(a.privateKey.length).toBe(32);
    expect(dhKey(a, b.x, b.y).equals(dhKey(b, a.x, a.y))).toBe(true);
  });
  it('a point off the curve, or a coordinate beyond p, is refused', () => {
    const offCurve = Buffer.from(PUBLIC_A_Y);
    offCurve[31] ^= 1;
    expect(isValidPublicKey(PUBLIC_A_X, offCurve)).toBe(false);
    expect(() => dhKey(generateP256KeyPair(), PUBLIC_A_X, offCurve)).toThrow(InvalidPublicKeyError);
    expect(isValidPublicKey(Buffer.alloc(32, 0xff), PUBLIC_A_Y)).toBe(false);
    expect(isValidPublicKey(Buffer.alloc(32), Buffer.alloc(32))).toBe(false);
    expect(isValidPublicKey(PUBLIC_A_X, PUBLIC_A_Y)).toBe(true);
  });
});

describe('byte order (one place)', () => {
  it('wire ↔ spec order reverses without touching the input', () => {
    const msb = h('0102030405');
    expect(toWire(msb).toString('hex')).toBe('0504030201');
    expect(fromWire(toWire(msb)).equals(msb)).toBe(true);
    expect(msb.toString('hex')).toBe('0102030405');
  });
  it('A1 of f5 is the type octet then the address; a passkey is a 128-bit number', () => {
    expect(address56('public', '56:12:37:37:BF:CE').equals(A1)).toBe(true);
    expect(address56('random', 'C0:00:00:00:00:01').toString('hex')).toBe('01c00000000001');
    expect(uintBytes(999999, 16).toString('hex')).toBe('000000000000000000000000000f423f');
    expect(() => addressBytes('nope')).toThrow(RangeError);
  });
});

// P-256 for LE Secure Connections: key pairs, the DHKey, public key validation and the spec's debug
// key pair. Core v5.4 Vol 3 Part H 2.3.5.6.1; curve and sample keys Vol 2 Part G 7.1. Values MSB-first.
import { createECDH } from 'node:crypto';
import { bigIntToBytes, bytesToBigInt } from './byte-order.js';

export interface P256KeyPair {
  privateKey: Buffer; // 32 octets
  x: Buffer; // public key X, 32 octets
  y: Buffer; // public key Y, 32 octets
}

/** NIST P-256: y^2 = x^3 - 3x + b over GF(p). */
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

/** The debug private key; its public key follows. Vol 3 Part H 2.3.5.6.1. */
const DEBUG_PRIVATE_KEY = '3f49f6d4a3c55f3874c9b3e3d2103f504aff607beb40b7995899b8a6cd3c1abd';
const DEBUG_PUBLIC_X = '20b003d2f297be2c5e2c83a7e9f9a5b9eff49111acf4fddbcc0301480e359de6';
const DEBUG_PUBLIC_Y = 'dc809c49652aeb6d63329abf5a52155c766345c28fed3024741c8ed01589d28b';

function fromEcdh(privateKey: Buffer, uncompressed: Buffer): P256KeyPair {
  return { privateKey, x: uncompressed.subarray(1, 33), y: uncompressed.subarray(33, 65) };
}

export function generateP256KeyPair(): P256KeyPair {
  const ecdh = createECDH('prime256v1');
  const pub = ecdh.generateKeys();
  return fromEcdh(bigIntToBytes(bytesToBigInt(ecdh.getPrivateKey()), 32), pub);
}

/** A key pair from its private key (the public key is computed). */
export function p256KeyPairFromPrivate(privateKey: Uint8Array): P256KeyPair {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateKey);
  return fromEcdh(Buffer.from(privateKey), ecdh.getPublicKey());
}

/** The debug key pair, for captures a sniffer can decrypt. Vol 3 Part H 2.3.5.6.1. */
export function debugKeyPair(): P256KeyPair {
  return { privateKey: Buffer.from(DEBUG_PRIVATE_KEY, 'hex'), x: Buffer.from(DEBUG_PUBLIC_X, 'hex'), y: Buffer.from(DEBUG_PUBLIC_Y, 'hex') };
}

export function isDebugPublicKey(x: Uint8Array, y: Uint8Array): boolean {
  return Buffer.from(x).toString('hex') === DEBUG_PUBLIC_X && Buffer.from(y).toString('hex') === DEBUG_PUBLIC_Y;
}

const mod = (a: bigint) => ((a % P) + P) % P;

/** A valid public key: both coordinates in [0, p-1] and on the curve (Vol 3 Part H 2.3.5.6.1, Vol 2 Part H 7.6). */
export function isValidPublicKey(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== 32 || y.length !== 32) return false;
  const X = bytesToBigInt(x);
  const Y = bytesToBigInt(y);
  if (X >= P || Y >= P) return false;
  return mod(Y * Y) === mod(X * X * X - 3n * X + B);
}

export class InvalidPublicKeyError extends Error {
  readonly code = 'SMP_INVALID_PUBLIC_KEY';
}

/** DHKey = P-256(private, peer public): the X coordinate of the shared point. Throws on an invalid key. */
export function dhKey(own: P256KeyPair, peerX: Uint8Array, peerY: Uint8Array): Buffer {
  if (!isValidPublicKey(peerX, peerY)) throw new InvalidPublicKeyError('the peer public key is not a point on P-256');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(own.privateKey);
  try {
    return ecdh.computeSecret(Buffer.concat([Buffer.from([0x04]), peerX, peerY]));
  } catch (err) {
    throw new InvalidPublicKeyError(`the peer public key was refused: ${err instanceof Error ? err.message : String(err)}`);
  }
}
